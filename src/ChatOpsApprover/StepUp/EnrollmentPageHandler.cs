using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// The enrollment page (/enroll/{token}): the first GET shows the QR code and the key of the pending authenticator-app
/// factor and offers "Use a passkey or security key" (where this address can carry passkeys); later ones only the code
/// form. POST checks the first code from the person's app, POST …/passkey registers a passkey; either, when accepted,
/// completes the enrollment.
/// </summary>
public sealed class EnrollmentPageHandler(
    NpgsqlDataSource dataSource,
    LinkOpener opener,
    LinkStore links,
    FactorStore factors,
    FactorSecrets secrets,
    CodeVerifier codes,
    PasskeyVerifier passkeyVerifier,
    PasskeyOffer passkeys,
    EnrollmentCompletion completion,
    IOptions<StepUpOptions> options,
    TimeProvider time)
{
    /// <summary>What the link is for, and the form; the secret only the first time (the one thing it records).</summary>
    public async Task<LinkPageView> ShowAsync(string token, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var (link, problem) = await opener.OpenAsync(connection, null, LinkKind.Enrollment, token, forUpdate: false);
        if (problem is not null)
        {
            return problem;
        }

        var factor = await factors.FindAsync(connection, null, link!.PersonId, forUpdate: false);
        if (LinkPageViews.EnrollmentProblem(link, factor) is { } factorProblem)
        {
            return factorProblem;
        }

        // Shown once: link scanners, prefetchers and proxy logs that open the link later see no secret, and get no
        // registration challenge either, so they cannot enroll a passkey of their own with it.
        return await links.MarkSecretShownAsync(connection, link.TokenHash, time.GetUtcNow())
            ? await passkeys.RegistrationAsync(connection, Form(link, factor!), link, token)
            : LinkPageViews.EnrollmentCodeOnly(link, codeError: null);
    }

    public async Task<LinkPageView> SubmitAsync(string token, string? code, ClientInfo client, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Lock order: link, then factor. Racing submissions of one link queue on the first lock.
        var (link, problem) = await opener.OpenAsync(connection, transaction, LinkKind.Enrollment, token, forUpdate: true);
        if (problem is not null)
        {
            return problem;
        }

        var factor = await factors.FindAsync(connection, transaction, link!.PersonId, forUpdate: true);
        if (LinkPageViews.EnrollmentProblem(link, factor) is { } factorProblem)
        {
            return factorProblem;
        }

        var result = await codes.CheckAsync(connection, transaction, link, factor!, code, client.Address, now);
        if (result.Refusal is not null)
        {
            await transaction.CommitAsync(cancellationToken);
            return Refused(result, link);
        }

        return await completion.CompleteAsync(connection, transaction, link, result.Step, "totp", client, now, cancellationToken);
    }

    /// <summary>A passkey registered from the page: when Fido2 accepts it, it is stored under its name and the enrollment completes.</summary>
    public async Task<LinkPageView> SubmitPasskeyAsync(string token, string? name, string? credential, ClientInfo client, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (link, problem) = await opener.OpenAsync(connection, transaction, LinkKind.Enrollment, token, forUpdate: true);
        if (problem is not null)
        {
            return problem;
        }

        var factor = await factors.FindAsync(connection, transaction, link!.PersonId, forUpdate: true);
        if (LinkPageViews.EnrollmentProblem(link, factor) is { } factorProblem)
        {
            return factorProblem;
        }

        var (result, passkey) = await passkeyVerifier.RegisterAsync(connection, transaction, link, name, credential, client.Address, now, cancellationToken);
        if (result.Refusal is not null)
        {
            await transaction.CommitAsync(cancellationToken);
            return Refused(result, link);
        }

        return await completion.CompleteAsync(connection, transaction, link, step: null, passkey!.FactorLabel, client, now, cancellationToken);
    }

    /// <summary>
    /// The code form again with why, or the lock's page. Neither the key nor a fresh registration challenge is handed
    /// out again: anyone can post a refused answer, and must not get a challenge back for a passkey of their own.
    /// </summary>
    private LinkPageView Refused(CodeResult result, StoredLink link) =>
        LinkPageViews.CodeRefused(result, link, options.Value.MaxAttempts, error => LinkPageViews.EnrollmentCodeOnly(link, error));

    private LinkPageView Form(StoredLink link, StoredFactor factor)
    {
        var secret = secrets.Unprotect(link.PersonId, factor.SecretProtected);
        try
        {
            return LinkPageViews.EnrollmentForm(link, secret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }
}
