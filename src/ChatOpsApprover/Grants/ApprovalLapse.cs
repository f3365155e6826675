using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Jobs;
using ChatOpsApprover.Requests;
using ChatOpsApprover.StepUp;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatOpsApprover.Grants;

/// <summary>
/// Ends approvals that were never turned into access: a request still waiting for its requester's second factor
/// <see cref="StepUpOptions.ConfirmWithin"/> after its approval fails, so a stale approval cannot be used later.
/// </summary>
public sealed class ApprovalLapse(RequestStore store, AuditLog audit, LeftoverMembershipRemover leftovers, ChatNotifications notifications, TimeProvider time, IOptions<StepUpOptions> options)
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

            // All memberships at once, sorted, as the revocation sweep takes them: the two cannot deadlock.
            await MembershipLock.AcquireAsync(connection, transaction, stale.Select(r => (r.Target, new Membership(r.Grant, r.Login))));
            var entries = new List<AuditEntry>();
            foreach (var request in stale)
            {
                var leftover = await leftovers.RemoveAsync(connection, transaction, request, cancellationToken);
                entries.Add(new AuditEntry(AuditEvents.GrantFailed, request.Id, "policy", ChatPlatform.System, now, new Dictionary<string, string> { ["reason"] = reason, ["membership"] = leftover }));
            }

            await store.MoveManyAsync(connection, transaction, stale, RequestStatus.Failed, new StatusChange(EndedAt: now, FailureReason: reason));

            // Audit last, as the audit log asks: its lock is held until the commit.
            await audit.AppendManyAsync(connection, transaction, entries);
            await transaction.CommitAsync(cancellationToken);
        }

        notifications.RequestsChanged(stale.Select(r => r.Id).ToList());
        return stale.Count;
    }
}
