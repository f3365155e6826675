using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Jobs;
using ChatOpsApprover.Observability;
using ChatOpsApprover.Requests;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Grants;

/// <summary>
/// Takes access away when windows end. Our own table is the source of truth; due rows are claimed in batches with
/// SKIP LOCKED, so several instances share the work and each grant is revoked once, with one target round trip per
/// batch. A target that fails keeps its rows active with a retry time (<see cref="TargetRevoker"/>), so nothing is lost.
/// Run by <see cref="RevocationScheduler"/> on time and by the recurring Hangfire job as a backstop.
/// </summary>
public sealed class RevocationSweep(
    RequestStore store,
    AuditLog audit,
    TargetRevoker targetRevoker,
    ChatNotifications notifications,
    JitMetrics metrics,
    TimeProvider time,
    IOptions<RevocationOptions> options)
{
    /// <summary>Revokes every grant whose window has ended; returns how many ended.</summary>
    public async Task<int> RevokeDueAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var ended = new List<long>();
            var entries = new List<AuditEntry>();
            List<AccessRequest> due;
            await using (var connection = await store.DataSource.OpenConnectionAsync(cancellationToken))
            await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
            {
                due = await store.ClaimDueAsync(connection, transaction, now, options.Value.BatchSize);

                // Every membership of the batch, across targets, is locked in one sorted step before any target call.
                await MembershipLock.AcquireAsync(connection, transaction, due.Select(r => (r.Target, new Membership(r.Grant, r.Login))));
                foreach (var group in due.GroupBy(r => r.Target, StringComparer.Ordinal))
                {
                    ended.AddRange(await targetRevoker.EndAsync(connection, transaction, group.ToList(), RequestStatus.Expired, TargetRevoker.SystemActor, ChatPlatform.System, now, entries, cancellationToken));
                }

                // Last, after every target call: the audit chain's lock is held only from here to the commit.
                await audit.AppendManyAsync(connection, transaction, entries);
                await transaction.CommitAsync(cancellationToken);
            }

            metrics.Revoked(due, ended, time.GetUtcNow());

            // Chat is told after the commit, through a job: a slow chat API never holds a revocation.
            notifications.RequestsChanged(ended);
            total += ended.Count;
            if (due.Count < options.Value.BatchSize)
            {
                break;
            }
        }

        return total;
    }

    /// <summary>When the next grant falls due (window end or retry), or null when none is active.</summary>
    public Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken) => store.NextDueAsync(cancellationToken);
}
