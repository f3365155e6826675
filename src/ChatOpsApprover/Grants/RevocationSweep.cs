using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Jobs;
using ChatOpsApprover.Observability;
using ChatOpsApprover.Requests;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Grants;

/// <summary>
/// Takes access away when windows end, and cleans up access that requests which never became active may have left.
/// Our own table is the source of truth; due rows are claimed in batches with SKIP LOCKED, so several instances share
/// the work and each grant is revoked once, with one target round trip per batch. Each target is its own unit of
/// work, so a slow or unreachable target never holds back revocations at the others. A target that fails keeps its
/// rows with a retry time (<see cref="TargetRevoker"/>), so nothing is lost. Run by <see cref="RevocationScheduler"/>
/// on time and by the recurring Hangfire job as a backstop.
/// </summary>
public sealed class RevocationSweep(
    RequestStore store,
    AuditLog audit,
    TargetRevoker targetRevoker,
    JobOutbox outbox,
    JitMetrics metrics,
    TimeProvider time,
    IOptions<RevocationOptions> options)
{
    /// <summary>Takes away every due grant at every target, the targets side by side; returns how many requests ended.</summary>
    public async Task<int> RevokeDueAsync(CancellationToken cancellationToken)
    {
        var targets = await DueTargetsAsync(cancellationToken);
        var ended = await Task.WhenAll(targets.Select(target => RevokeDueAtAsync(target, cancellationToken)));
        return ended.Sum(e => e.Ended);
    }

    /// <summary>The targets with work due now.</summary>
    public Task<IReadOnlyList<string>> DueTargetsAsync(CancellationToken cancellationToken) => store.DueTargetsAsync(time.GetUtcNow(), cancellationToken);

    /// <summary>
    /// Takes away every due grant at one target, a batch per transaction, until a claim finds nothing due. Returns how
    /// many requests ended, and how many rows were claimed (0 while another instance holds them all).
    /// </summary>
    public async Task<(int Ended, int Claimed)> RevokeDueAtAsync(string target, CancellationToken cancellationToken)
    {
        var total = 0;
        var claimedTotal = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var steps = new RevocationStepTimer(metrics);
            var entries = new List<AuditEntry>();
            IReadOnlyList<long> ended = [];
            List<AccessRequest> due;
            await using (var connection = await store.DataSource.OpenConnectionAsync(cancellationToken))
            await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
            {
                due = await store.ClaimDueAsync(connection, transaction, target, now, options.Value.BatchSize);
                steps.Lap(RevocationStep.Claim);
                if (due.Count == 0)
                {
                    break;
                }

                // How long the earliest row waited for this batch (a retried row's wait includes its back-off).
                steps.Add(RevocationStep.Wait, now - due.Min(r => r.CleanupDueAt ?? r.EndsAt ?? now));
                ended = await targetRevoker.EndAsync(connection, transaction, due, RequestStatus.Expired, TargetRevoker.SystemActor, ChatPlatform.System, now, entries, steps, cancellationToken);
                await audit.AppendManyAsync(connection, transaction, entries);
                steps.Lap(RevocationStep.Audit);

                // Chat is told through a job that commits with the batch (one INSERT into the job outbox, moved into
                // Hangfire after the commit): a slow chat API never holds a revocation, and neither does Hangfire's
                // enqueue, which used to cost the lane three more durable commits per batch.
                var told = JobOutbox.Begin();
                ChatNotifications.Via(told).RequestsChanged(ended);
                await outbox.SaveAsync(connection, transaction, told, cancellationToken);
                steps.Lap(RevocationStep.Jobs);
                await transaction.CommitAsync(cancellationToken);
                steps.Lap(RevocationStep.Commit);
            }

            outbox.Wake();
            metrics.Revoked(due, ended, time.GetUtcNow());
            steps.Finish(due.Count);
            total += ended.Count;
            claimedTotal += due.Count;

            // Claim again until nothing is due: in a burst, rows fall due while a batch runs, and going back through
            // the scheduler's loop (its two queries and a new lane) before claiming them made them wait longer.
        }

        return (total, claimedTotal);
    }

    /// <summary>When the next work falls due at a target other than <paramref name="exceptTargets"/> (window end, clean-up or retry), or null when none.</summary>
    public Task<DateTimeOffset?> NextDueAsync(IReadOnlyCollection<string> exceptTargets, CancellationToken cancellationToken) => store.NextDueAsync(exceptTargets, cancellationToken);
}
