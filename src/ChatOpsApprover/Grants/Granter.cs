using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Jobs;
using ChatOpsApprover.Requests;

namespace ChatOpsApprover.Grants;

public enum GrantOutcome
{
    Granted,
    NothingToDo,
    Retry,
    Failed,
}

/// <summary>Gives approved access at the target and starts its window. Idempotent: a second run finds nothing to do.</summary>
public sealed class Granter(
    RequestStore store,
    AccessDirectory directory,
    AuditLog audit,
    GrantTargets targets,
    ChatNotifications notifications,
    RevocationScheduler scheduler,
    LeftoverMembershipRemover leftovers,
    TimeProvider time,
    ILogger<Granter> logger)
{
    public const int MaxAttempts = 4;

    public async Task<GrantOutcome> GrantAsync(long requestId, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await store.DataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var request = await store.FindAsync(connection, transaction, requestId, forUpdate: true);
            if (request is null || request.Status != RequestStatus.Approved)
            {
                return GrantOutcome.NothingToDo;
            }

            // Defence in depth: whoever queued this job, access never starts before the requester's second factor.
            if (!StepUpRules.ReadyToGrant(request, directory.FindRole(request.RoleName)))
            {
                logger.LogWarning("Grant for request {RequestId} skipped: its requester has not confirmed with their second factor", requestId);
                return GrantOutcome.NothingToDo;
            }

            var membership = new Membership(request.Grant, request.Login);
            await MembershipLock.AcquireAsync(connection, transaction, request.Target, [membership]);
            await targets.Get(request.Target).GrantAsync(membership, cancellationToken);

            // The window starts when access really starts, not when it was approved.
            var now = time.GetUtcNow();
            await store.MoveAsync(connection, transaction, request, RequestStatus.Active, new StatusChange(GrantedAt: now, EndsAt: now + request.ApprovedDuration));
            await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.GrantSucceeded, request.Id, "system", ChatPlatform.System, now, new Dictionary<string, string>
            {
                ["target"] = request.Target,
                ["grant"] = request.Grant,
                ["login"] = request.Login,
                ["ends_at"] = (now + request.ApprovedDuration).ToString("O"),
            }));
            await transaction.CommitAsync(cancellationToken);
            scheduler.Wake();
            notifications.RequestsChanged([request.Id]);
            return GrantOutcome.Granted;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var attempts = await store.CountGrantAttemptAsync(requestId);
            logger.LogWarning(e, "Grant for request {RequestId} failed (attempt {Attempt} of {Max})", requestId, attempts, MaxAttempts);
            if (attempts < MaxAttempts)
            {
                return GrantOutcome.Retry;
            }

            await MarkFailedAsync(requestId, $"the target refused or did not answer ({e.GetType().Name})", cancellationToken);
            return GrantOutcome.Failed;
        }
    }

    private async Task MarkFailedAsync(long requestId, string reason, CancellationToken cancellationToken)
    {
        await using var connection = await store.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var request = await store.FindAsync(connection, transaction, requestId, forUpdate: true);
        if (request is null || request.Status != RequestStatus.Approved)
        {
            return;
        }

        var leftover = await leftovers.RemoveAsync(connection, transaction, request, cancellationToken);
        var now = time.GetUtcNow();
        await store.MoveAsync(connection, transaction, request, RequestStatus.Failed, new StatusChange(EndedAt: now, FailureReason: reason));
        await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.GrantFailed, request.Id, "system", ChatPlatform.System, now, new Dictionary<string, string> { ["reason"] = reason, ["membership"] = leftover }));
        await transaction.CommitAsync(cancellationToken);
        notifications.RequestsChanged([request.Id]);
    }
}
