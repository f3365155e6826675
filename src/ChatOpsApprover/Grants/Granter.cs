using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Jobs;
using ChatOpsApprover.Observability;
using ChatOpsApprover.Requests;

namespace ChatOpsApprover.Grants;

public enum GrantOutcome
{
    Granted,
    NothingToDo,
    Retry,
    Failed,
}

/// <summary>
/// Gives approved access at the target and starts its window. Idempotent: a second run finds nothing to do. Before the
/// target is first touched, the request records, in a transaction of its own, that a grant is on its way and whether
/// the person already held the access: a grant whose reply is lost is then never left behind (its request's end cleans
/// it up), and access the person held before is never taken away.
/// </summary>
public sealed class Granter(
    RequestStore store,
    AccessDirectory directory,
    AuditLog audit,
    GrantTargets targets,
    ChatNotifications notifications,
    RevocationSignal revocations,
    JitMetrics metrics,
    TimeProvider time,
    ILogger<Granter> logger)
{
    public const int MaxAttempts = 4;

    public async Task<GrantOutcome> GrantAsync(long requestId, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginRequestScope(requestId);
        try
        {
            return await MarkSentAsync(requestId, cancellationToken) ? await GrantMarkedAsync(requestId, cancellationToken) : GrantOutcome.NothingToDo;
        }
        catch (GrantRefusedException e)
        {
            logger.LogWarning("Grant for request {RequestId} was refused by its target ({Why}); the request fails", requestId, e.Message);
            await MarkFailedAsync(requestId, $"the target refused it ({e.Message})", cancellationToken);
            return GrantOutcome.Failed;
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

    /// <summary>
    /// Commits, before the first attempt reaches the target, that a grant is on its way and whether the person already
    /// held the access (asked once: a retry must not take the bot's own lost grant for the person's). False when there is
    /// nothing to grant.
    /// </summary>
    private async Task<bool> MarkSentAsync(long requestId, CancellationToken cancellationToken)
    {
        await using var connection = await store.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var request = await store.FindAsync(connection, transaction, requestId, forUpdate: true);
        if (request is null || request.Status != RequestStatus.Approved)
        {
            return false;
        }

        // Defence in depth: whoever queued this job, access never starts before the requester's second factor.
        if (!StepUpRules.ReadyToGrant(request, directory.FindRole(request.RoleName)))
        {
            logger.LogWarning("Grant for request {RequestId} skipped: its requester has not confirmed with their second factor", requestId);
            return false;
        }

        if (request.GrantSentAt is not null)
        {
            return true;
        }

        var now = time.GetUtcNow();
        var target = targets.Get(request.Target);
        var membership = new Membership(request.Grant, request.Login);
        await MembershipLock.AcquireAsync(connection, transaction, request.Target, [membership]);

        // A membership another request of the bot accounts for is the bot's (shared), or held outside as that one found.
        var held = target.Sharing == GrantSharing.Membership && await store.OthersHoldingAsync(connection, transaction, request.Target, membership, request.Id) is { } others
            ? others
            : await target.HeldOutsideAsync(TargetGrant.Of(request, now), cancellationToken);
        await store.MarkGrantSentAsync(connection, transaction, request.Id, held, now);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private async Task<GrantOutcome> GrantMarkedAsync(long requestId, CancellationToken cancellationToken)
    {
        await using var connection = await store.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var request = await store.FindAsync(connection, transaction, requestId, forUpdate: true);
        if (request is null || request.Status != RequestStatus.Approved)
        {
            // Ended meanwhile: if the first attempt reached the target, its clean-up was scheduled with the end.
            return GrantOutcome.NothingToDo;
        }

        await MembershipLock.AcquireAsync(connection, transaction, request.Target, [new Membership(request.Grant, request.Login)]);

        // The window starts when access really starts, not when it was approved.
        var now = time.GetUtcNow();
        var receipt = request.HeldOutside ? null : await targets.Get(request.Target).GrantAsync(TargetGrant.Of(request, now), cancellationToken);
        await store.MoveAsync(connection, transaction, request, RequestStatus.Active, new StatusChange(
            GrantedAt: now,
            EndsAt: now + request.ApprovedDuration,
            GrantReceipt: receipt,
            EndReminderAt: EndReminder.DueAt(now, now + request.ApprovedDuration)));
        await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.GrantSucceeded, request.Id, "system", ChatPlatform.System, now, new Dictionary<string, string>
        {
            ["target"] = request.Target,
            ["grant"] = request.Grant,
            ["login"] = request.Login,
            ["ends_at"] = (now + request.ApprovedDuration).ToString("O"),
            ["membership"] = request.HeldOutside
                ? "already held outside the bot: nothing was changed at the target, and the end of this request will not revoke it"
                : "granted at target",
        }));
        await transaction.CommitAsync(cancellationToken);
        metrics.Granted(request, time.GetUtcNow());
        logger.LogInformation("Request {AccessRequestId} granted: {Grant} to {Login} at {Target} until {EndsAt:O}", request.Id, request.Grant, request.Login, request.Target, now + request.ApprovedDuration);
        revocations.Wake();
        notifications.RequestsChanged([request.Id]);
        return GrantOutcome.Granted;
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

        var now = time.GetUtcNow();
        await store.MoveAsync(connection, transaction, request, RequestStatus.Failed, new StatusChange(EndedAt: now, FailureReason: reason));
        await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.GrantFailed, request.Id, "system", ChatPlatform.System, now, new Dictionary<string, string>
        {
            ["reason"] = reason,
            ["membership"] = LeftAtTarget(request),
        }));
        await transaction.CommitAsync(cancellationToken);
        revocations.Wake();
        notifications.RequestsChanged([request.Id]);
    }

    /// <summary>What the audit entry of a request that ends before it was active says about its access at the target.</summary>
    public static string LeftAtTarget(AccessRequest request) => request.MayHoldAccessAtTarget
        ? "a grant attempt may have reached the target: its clean-up there is scheduled and retried until it succeeds"
        : "nothing was granted at the target";
}
