using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Jobs;
using ChatOpsApprover.Requests;
using ChatOpsApprover.StepUp;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Grants;

/// <summary>
/// Ends approvals that were never turned into access: a request still waiting for its requester's second factor
/// <see cref="StepUpOptions.ConfirmWithin"/> after its approval fails, so a stale approval cannot be used later.
/// </summary>
public sealed class ApprovalLapse(RequestStore store, AuditLog audit, ChatNotifications notifications, RevocationSignal revocations, TimeProvider time, IOptions<StepUpOptions> options)
{
    private const int BatchSize = 100;

    public async Task<int> LapseAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var within = options.Value.ConfirmWithin;
        var reason = $"the requester did not confirm with their second factor within {DurationText.Format(within)} of the approval";
        List<AccessRequest> stale;
        await using (var connection = await store.DataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            stale = await store.ClaimApprovedBeforeAsync(connection, transaction, now - within, BatchSize);

            // A grant attempt that may have reached the target becomes a clean-up with the move, which the sweep does.
            var entries = stale.Select(request => new AuditEntry(AuditEvents.GrantFailed, request.Id, "policy", ChatPlatform.System, now, new Dictionary<string, string>
            {
                ["reason"] = reason,
                ["membership"] = Granter.LeftAtTarget(request),
            })).ToList();
            await store.MoveManyAsync(connection, transaction, stale, RequestStatus.Failed, new StatusChange(EndedAt: now, FailureReason: reason));

            // Audit last, as the audit log asks: its lock is held until the commit.
            await audit.AppendManyAsync(connection, transaction, entries);
            await transaction.CommitAsync(cancellationToken);
        }

        if (stale.Any(r => r.MayHoldAccessAtTarget))
        {
            revocations.Wake();
        }

        notifications.RequestsChanged(stale.Select(r => r.Id).ToList());
        return stale.Count;
    }
}
