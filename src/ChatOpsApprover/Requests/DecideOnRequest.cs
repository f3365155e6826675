using ChatOpsApprover.Domain;
using ChatOpsApprover.Jobs;
using ChatOpsApprover.Observability;
using ChatOpsApprover.StepUp;
using Hangfire;

namespace ChatOpsApprover.Requests;

/// <summary>
/// An approver answers a request: only an approver of its role, never its requester, once per person; a row lock
/// makes racing answers yield exactly one decision. The one place an answer is taken, whichever platform or form it
/// came from.
/// </summary>
public sealed class DecideOnRequest(
    AccessDirectory directory,
    RequestStore store,
    Approvals approvals,
    JobOutbox outbox,
    TimeProvider time,
    ILogger<DecideOnRequest> logger)
{
    public async Task<DecisionResult> DecideAsync(ChatUser user, DecisionInput input, CancellationToken cancellationToken)
    {
        var requestId = input.RequestId;
        var approver = directory.FindByChatUser(user);
        using var scope = logger.BeginChatScope(user, approver, requestId);
        if (approver is null)
        {
            return new DecisionResult(DecisionOutcome.UnknownPerson, requestId);
        }

        var now = time.GetUtcNow();
        await using var connection = await store.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // The row lock serialises racing clicks: the second one sees the first one's decision.
        var request = await store.FindAsync(connection, transaction, requestId, forUpdate: true);
        var role = request is null ? null : directory.FindRole(request.RoleName);
        if (request is null || role is null)
        {
            return new DecisionResult(DecisionOutcome.NotFound, requestId);
        }

        var check = AccessPolicy.CheckDecision(directory, request, role, approver);
        if (check != DecisionOutcome.Recorded)
        {
            return new DecisionResult(check, requestId);
        }

        // Asked only of someone whose denial would count: anyone else hears why they cannot decide at all.
        var reason = input.Reason?.Trim();
        if (!input.Approve && string.IsNullOrEmpty(reason))
        {
            return new DecisionResult(DecisionOutcome.ReasonRequired, requestId);
        }

        var duration = input.Approve ? input.Duration : null;
        if (duration is { } shorter && !ShorterDurations.IsOffered(request.Duration, shorter))
        {
            return new DecisionResult(DecisionOutcome.DurationNotOffered, requestId);
        }

        if (input.Approve && StepUpRules.ApproverMustConfirm(role, request))
        {
            // Only the intent is recorded; the vote is counted when this approver's code is verified.
            await approvals.AskAsync(connection, transaction, requestId, approver.Id, StepUpPurpose.Approver, user.Platform, now, duration);
            var approverId = approver.Id;
            var platform = user.Platform;
            var userId = user.PlatformUserId;
            var replyChannel = input.ReplyChannel;
            var links = JobOutbox.Begin();
            links.Enqueue<StepUpJobs>(j => j.SendLinkAsync(requestId, approverId, StepUpPurpose.Approver, platform, userId, replyChannel, CancellationToken.None));
            ChatNotifications.Via(links).CardsChanged(requestId);
            await outbox.SaveAsync(connection, transaction, links, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            outbox.Wake();
            return new DecisionResult(DecisionOutcome.StepUpRequired, requestId);
        }

        var outcome = await approvals.CountVoteAsync(connection, transaction, request, role, new Decision(approver.Id, input.Approve, now, user.Platform, input.Approve ? null : Shorten(reason!), duration));
        // The grant, card and notification jobs commit with the decision, in one durable commit.
        var followUps = JobOutbox.Begin();
        approvals.FollowUps(request, role, outcome, followUps);
        await outbox.SaveAsync(connection, transaction, followUps, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outbox.Wake();
        return new DecisionResult(outcome, requestId);
    }

    /// <summary>
    /// Whether this person's answer would count now, without recording anything: a form that asks for more (Slack's
    /// deny modal) is opened only for someone whose answer would count.
    /// </summary>
    public async Task<DecisionOutcome> CheckAsync(ChatUser user, long requestId)
    {
        var approver = directory.FindByChatUser(user);
        if (approver is null)
        {
            return DecisionOutcome.UnknownPerson;
        }

        var request = await store.FindAsync(requestId);
        var role = request is null ? null : directory.FindRole(request.RoleName);
        return request is null || role is null ? DecisionOutcome.NotFound : AccessPolicy.CheckDecision(directory, request, role, approver);
    }

    private static string Shorten(string reason) => reason.Length <= DecisionInput.MaxReasonLength ? reason : reason[..DecisionInput.MaxReasonLength] + "…";
}
