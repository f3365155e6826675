using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Jobs;
using ChatOpsApprover.Requests;

namespace ChatOpsApprover.Grants;

/// <summary>
/// "revoke &lt;id&gt;": ends one request now on someone's behalf, when policy lets them (its requester, an approver of
/// its role, or an admin). Active access is taken away at the target; a request not yet active is withdrawn.
/// </summary>
public sealed class RevokeCommand(
    RequestStore store,
    AuditLog audit,
    TargetRevoker targetRevoker,
    ChatNotifications notifications,
    RevocationSignal revocations,
    TimeProvider time)
{
    public async Task<(RevokeOutcome Outcome, AccessRequest? Request)> RevokeNowAsync(long requestId, Person actor, ChatPlatform platform, AccessDirectory directory, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await store.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var request = await store.FindAsync(connection, transaction, requestId, forUpdate: true);
        if (request is null)
        {
            return (RevokeOutcome.NotFound, null);
        }

        if (!AccessPolicy.MayRevoke(directory, request, directory.FindRole(request.RoleName), actor))
        {
            return (RevokeOutcome.NotAllowed, request);
        }

        if (RequestLifecycle.IsTerminal(request.Status))
        {
            return (RevokeOutcome.AlreadyEnded, request);
        }

        var outcome = RevokeOutcome.Revoked;
        var entries = new List<AuditEntry>();
        if (request.Status == RequestStatus.Active)
        {
            if ((await targetRevoker.EndAsync(connection, transaction, [request], RequestStatus.Revoked, actor.Id, platform, now, entries, steps: null, cancellationToken)).Count == 0)
            {
                // The sweeper retries from now on, with back-off, until the target answers.
                await store.MakeDueAsync(connection, transaction, request.Id, now);
                outcome = RevokeOutcome.TargetUnavailable;
            }
        }
        else
        {
            // Not active yet, but a grant attempt may have reached the target: the move makes that a clean-up the sweep does.
            await store.MoveAsync(connection, transaction, request, RequestStatus.Revoked, new StatusChange(EndedAt: now, EndedBy: actor.Id));
            entries.Add(new AuditEntry(AuditEvents.RequestWithdrawn, request.Id, actor.Id, platform, now, request.MayHoldAccessAtTarget
                ? new Dictionary<string, string> { ["membership"] = Granter.LeftAtTarget(request) }
                : null));
            outcome = RevokeOutcome.Withdrawn;
        }

        await audit.AppendManyAsync(connection, transaction, entries);
        await transaction.CommitAsync(cancellationToken);
        revocations.Wake();
        if (outcome != RevokeOutcome.TargetUnavailable)
        {
            notifications.RequestsChanged([request.Id]);
        }

        return (outcome, await store.FindAsync(request.Id));
    }
}
