using ChatOpsApprover.Domain;
using ChatOpsApprover.Observability;
using ChatOpsApprover.Requests;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// The step-up page (/stepup/{token}): GET names the request to confirm and offers the person's passkeys first, then
/// the code form (unless the role takes passkeys only, Roles:&lt;r&gt;:StepUpFactor = Passkey, or the person has no
/// authenticator app). POST checks the code, POST …/passkey a passkey's answer; when accepted, the step-up completes
/// (<see cref="StepUpCompletion"/>) naming the factor. A request that moved on, or a link whose person no longer
/// counts, changes nothing.
/// </summary>
public sealed class StepUpPageHandler(
    NpgsqlDataSource dataSource,
    LinkOpener opener,
    RequestStore requests,
    AccessDirectory directory,
    FactorStore factors,
    CodeVerifier codes,
    PasskeyVerifier passkeyVerifier,
    PasskeyOffer passkeys,
    StepUpCompletion completion,
    ExtensionStepUpPage extensionPage,
    JitMetrics metrics,
    IOptions<StepUpOptions> options,
    TimeProvider time)
{
    /// <summary>
    /// What the link is for, and the form; changes nothing but the passkey challenge kept with the link (a fresh one
    /// for each showing: only the latest page's answer can verify).
    /// </summary>
    public async Task<LinkPageView> ShowAsync(string token, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var (link, problem) = await opener.OpenAsync(connection, null, LinkKind.StepUp, token, forUpdate: false);
        if (problem is not null)
        {
            return problem;
        }

        if (link!.ExtensionId is not null)
        {
            return await extensionPage.ShowAsync(connection, link, token);
        }

        var (request, role, requestProblem) = await RequestForAsync(connection, null, link!, forUpdate: false);
        if (requestProblem is not null)
        {
            return requestProblem;
        }

        var factor = await factors.FindAsync(connection, null, link!.PersonId, forUpdate: false);
        return LinkPageViews.FactorProblem(link, factor) ?? await FormAsync(connection, link, request!, role!, factor!, token, codeError: null);
    }

    /// <summary>The form for this person and role: their passkeys first, then the code form when allowed.</summary>
    private Task<LinkPageView> FormAsync(NpgsqlConnection connection, StoredLink link, AccessRequest request, RoleDefinition role, StoredFactor factor, string token, string? codeError) =>
        passkeys.StepUpFormAsync(connection, LinkPageViews.StepUpForm(link, request, role, codeError), link, role, factor, token);

    public async Task<LinkPageView> SubmitAsync(string token, string? code, ClientInfo client, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Lock order: link, then request, then factor. Racing submissions of one link queue on the first lock.
        var (link, problem) = await opener.OpenAsync(connection, transaction, LinkKind.StepUp, token, forUpdate: true);
        if (problem is not null)
        {
            return problem;
        }

        if (link!.ExtensionId is not null)
        {
            return await extensionPage.SubmitAsync(connection, transaction, link, code, client, now, token, cancellationToken);
        }

        var (request, role, factor, lockProblem) = await LockForAnswerAsync(connection, transaction, link!);
        if (lockProblem is not null)
        {
            return lockProblem;
        }

        var result = await codes.CheckStepUpAsync(connection, transaction, link, factor!, role!, code, client.Address, now);
        if (result.Refusal is not null)
        {
            await transaction.CommitAsync(cancellationToken);
            return await RefusedAsync(connection, result, link, request!, role!, factor!, token);
        }

        return await completion.CompleteAsync(connection, transaction, link, request!, role!, "totp", client, now, cancellationToken);
    }

    /// <summary>A passkey's answer from the page: when it verifies against the person's stored passkey, the step-up completes.</summary>
    public async Task<LinkPageView> SubmitPasskeyAsync(string token, string? credential, ClientInfo client, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // The lock order of a code: link, then request, then factor (then the passkey).
        var (link, problem) = await opener.OpenAsync(connection, transaction, LinkKind.StepUp, token, forUpdate: true);
        if (problem is not null)
        {
            return problem;
        }

        if (link!.ExtensionId is not null)
        {
            return await extensionPage.SubmitPasskeyAsync(connection, transaction, link, credential, client, now, token, cancellationToken);
        }

        var (request, role, factor, lockProblem) = await LockForAnswerAsync(connection, transaction, link!);
        if (lockProblem is not null)
        {
            return lockProblem;
        }

        var (result, passkey) = await passkeyVerifier.AssertAsync(connection, transaction, link, credential, client.Address, now, cancellationToken);
        if (result.Refusal is not null)
        {
            await transaction.CommitAsync(cancellationToken);
            return await RefusedAsync(connection, result, link, request!, role!, factor!, token);
        }

        return await completion.CompleteAsync(connection, transaction, link, request!, role!, passkey!.FactorLabel, client, now, cancellationToken);
    }

    /// <summary>The form again with why (and a fresh passkey challenge), or the page of the lock the refusal caused.</summary>
    private async Task<LinkPageView> RefusedAsync(NpgsqlConnection connection, CodeResult result, StoredLink link, AccessRequest request, RoleDefinition role, StoredFactor factor, string token)
    {
        metrics.StepUpRefused(result.Refusal!.Value);
        LinkPageView? form = null;
        var view = LinkPageViews.CodeRefused(result, link, options.Value.MaxAttempts, error => form = LinkPageViews.StepUpForm(link, request, role, error));
        return form is null ? view : await FormAsync(connection, link, request, role, factor, token, form.CodeError);
    }

    /// <summary>For an answer on the link: its request, role and factor, locked after the link in that order; or the page that says why not.</summary>
    private async Task<(AccessRequest? Request, RoleDefinition? Role, StoredFactor? Factor, LinkPageView? Problem)> LockForAnswerAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredLink link)
    {
        var (request, role, requestProblem) = await RequestForAsync(connection, transaction, link, forUpdate: true);
        if (requestProblem is not null)
        {
            return (null, null, null, requestProblem);
        }

        var factor = await factors.FindAsync(connection, transaction, link.PersonId, forUpdate: true);
        return LinkPageViews.FactorProblem(link, factor) is { } factorProblem ? (null, null, null, factorProblem) : (request, role, factor, null);
    }

    /// <summary>The request the link confirms, while it still waits for this person's step-up; otherwise the page that says why not.</summary>
    private async Task<(AccessRequest? Request, RoleDefinition? Role, LinkPageView? Problem)> RequestForAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, StoredLink link, bool forUpdate)
    {
        var (requestId, purpose) = link.StepUp;
        var request = await requests.FindAsync(connection, transaction, requestId, forUpdate);
        var role = request is null ? null : directory.FindRole(request.RoleName);
        var person = directory.FindPerson(link.PersonId);
        if (request is null || role is null || person is null)
        {
            return (null, null, LinkPageViews.RequestGone(link));
        }

        // An approver must still be one whose vote would count (not the requester, not one who already voted).
        var stillCounts = purpose switch
        {
            StepUpPurpose.Requester => request.PersonId == link.PersonId,
            StepUpPurpose.Approver => AccessPolicy.CheckDecision(directory, request, role, person) == DecisionOutcome.Recorded,
        };
        return stillCounts && StepUpRules.IsWaitingFor(request, link.PersonId, purpose)
            ? (request, role, null)
            : (null, null, LinkPageViews.NothingToConfirm(link, request));
    }
}
