using ChatOpsApprover.Domain;
using ChatOpsApprover.Observability;
using ChatOpsApprover.Requests;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// The step-up page (/stepup/{token}): GET names the request to confirm; POST checks the code and, when it is right,
/// completes the step-up. A request that moved on, or a link whose person no longer counts, changes nothing.
/// </summary>
public sealed class StepUpPageHandler(
    NpgsqlDataSource dataSource,
    LinkOpener opener,
    RequestStore requests,
    AccessDirectory directory,
    FactorStore factors,
    CodeVerifier codes,
    StepUpCompletion completion,
    ExtensionStepUpPage extensionPage,
    JitMetrics metrics,
    IOptions<StepUpOptions> options,
    TimeProvider time)
{
    /// <summary>What the link is for, and the form; never changes anything.</summary>
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
            return await extensionPage.ShowAsync(connection, link);
        }

        var (request, role, requestProblem) = await RequestForAsync(connection, null, link!, forUpdate: false);
        if (requestProblem is not null)
        {
            return requestProblem;
        }

        var factor = await factors.FindAsync(connection, null, link!.PersonId, forUpdate: false);
        return LinkPageViews.FactorProblem(link, factor) ?? LinkPageViews.StepUpForm(link, request!, role!, codeError: null);
    }

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
            return await extensionPage.SubmitAsync(connection, transaction, link, code, client, now, cancellationToken);
        }

        var (request, role, requestProblem) = await RequestForAsync(connection, transaction, link!, forUpdate: true);
        if (requestProblem is not null)
        {
            return requestProblem;
        }

        var factor = await factors.FindAsync(connection, transaction, link!.PersonId, forUpdate: true);
        if (LinkPageViews.FactorProblem(link, factor) is { } factorProblem)
        {
            return factorProblem;
        }

        var result = await codes.CheckAsync(connection, transaction, link, factor!, code, client.Address, now);
        if (result.Refusal is not null)
        {
            await transaction.CommitAsync(cancellationToken);
            metrics.StepUpRefused(result.Refusal.Value);
            return LinkPageViews.CodeRefused(result, link, options.Value.MaxAttempts, error => LinkPageViews.StepUpForm(link, request!, role!, error));
        }

        return await completion.CompleteAsync(connection, transaction, link, request!, role!, client, now, cancellationToken);
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
