using System.Security.Cryptography;
using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
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
    KnownClients knownClients,
    AuditLog audit,
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
        if (MayAddPasskey(factor))
        {
            // Adding to an active factor: the challenge, like a secret, is handed out at the first opening only.
            return await links.MarkSecretShownAsync(connection, link.TokenHash, time.GetUtcNow())
                ? await passkeys.RegistrationAsync(connection, LinkPageViews.AddPasskeyForm(link), link, token, needsCode: true)
                : LinkPageViews.AddPasskeyUsedUp(link);
        }

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
    public async Task<LinkPageView> SubmitPasskeyAsync(string token, string? name, string? credential, string? code, ClientInfo client, CancellationToken cancellationToken)
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
        if (MayAddPasskey(factor))
        {
            return await AddPasskeyAsync(connection, transaction, link, factor!, name, credential, code, client, now, cancellationToken);
        }

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
    /// A person whose authenticator app confirms things (active, approved, not locked) may add passkeys with an
    /// enrollment link, proving it is them with a code; where passkeys work at all.
    /// </summary>
    private bool MayAddPasskey(StoredFactor? factor) =>
        factor is { Active: true, Totp: true, Locked: false, AwaitsApproval: false } && passkeys.Available;

    /// <summary>
    /// Adds a passkey to an active factor: first the code (used up, and a wrong one counts against the link and the
    /// factor, as on a step-up), then the registration. Announced in the audit channel like any enrollment.
    /// </summary>
    private async Task<LinkPageView> AddPasskeyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredLink link, StoredFactor factor, string? name, string? credential, string? code, ClientInfo client, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var proof = await codes.CheckAsync(connection, transaction, link, factor, code, client.Address, now, confirmsFactor: true);
        if (proof.Refusal is not null)
        {
            // The challenge goes with the refused attempt: a fresh link is needed, so guesses cannot reuse the page.
            await links.TakeWebAuthnOptionsAsync(connection, transaction, link.TokenHash);
            await transaction.CommitAsync(cancellationToken);
            return LinkPageViews.CodeRefused(proof, link, options.Value.MaxAttempts, error => LinkPageViews.AddPasskeyUsedUp(link, error));
        }

        var (result, passkey) = await passkeyVerifier.RegisterAsync(connection, transaction, link, name, credential, client.Address, now, cancellationToken);
        if (result.Refusal is not null)
        {
            await transaction.CommitAsync(cancellationToken);
            return LinkPageViews.CodeRefused(result, link, options.Value.MaxAttempts, error => LinkPageViews.AddPasskeyUsedUp(link, error));
        }

        await links.MarkUsedAsync(connection, transaction, link.TokenHash, now);
        var newDevice = await knownClients.RememberAsync(connection, transaction, link.PersonId, client, now);
        await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.MfaEnrolled, null, link.PersonId, ChatPlatform.Web, now, new Dictionary<string, string>
        {
            ["person"] = link.PersonId,
            ["factor"] = passkey!.FactorLabel,
            ["added"] = "true (confirmed with the authenticator app)",
            ["address"] = client.Address,
            ["device"] = newDevice is null ? "a browser seen before" : "a new browser",
            ["approval"] = "not required",
        }));
        await transaction.CommitAsync(cancellationToken);
        return LinkPageViews.PasskeyAdded(link.PersonId, passkey.Name, newDevice);
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
