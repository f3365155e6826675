using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Jobs;
using ChatOpsApprover.Observability;
using ChatOpsApprover.Requests;
using Microsoft.Extensions.Options;
using Npgsql;

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
    GrantTargets targets,
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
    /// <remarks>
    /// Up to <see cref="RevocationOptions.BatchesInFlight"/> batches are in flight, each on its own connection: the next
    /// batch is claimed while the one before waits for the target and its commit, so the lane's round trips and the
    /// database's work overlap instead of taking turns. Claims are made one at a time, here, each taking what fell due
    /// since the last; their rows are disjoint (SKIP LOCKED) and each batch locks its memberships in one sorted order,
    /// exactly as two instances sweeping the same target do, so each grant is still revoked once.
    /// </remarks>
    public async Task<(int Ended, int Claimed)> RevokeDueAtAsync(string target, CancellationToken cancellationToken)
    {
        var ended = 0;
        var claimed = 0;
        var inFlight = new List<Task<int>>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (inFlight.Count >= options.Value.BatchesInFlight)
                {
                    ended += await OneFinishedAsync(inFlight);
                }

                var batch = await ClaimAsync(target, cancellationToken);
                if (batch is null)
                {
                    if (inFlight.Count == 0)
                    {
                        break;
                    }

                    // Nothing due now, but rows may fall due while the batch in flight finishes: claim again after it.
                    ended += await OneFinishedAsync(inFlight);
                    continue;
                }

                claimed += batch.Due.Count;
                inFlight.Add(FinishAsync(batch, cancellationToken));

                // Claim again until nothing is due: in a burst, rows fall due while a batch runs, and going back through
                // the scheduler's loop (its two queries and a new lane) before claiming them made them wait longer.
            }

            while (inFlight.Count > 0)
            {
                ended += await OneFinishedAsync(inFlight);
            }
        }
        catch when (inFlight.Count > 0)
        {
            // Let the other batches commit or roll back before the failure is reported: their connections are ours.
            await Task.WhenAll(inFlight.Select(t => t.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default)));
            throw;
        }

        return (ended, claimed);
    }

    /// <summary>Waits for the first of <paramref name="inFlight"/> to finish, takes it out and returns how many requests it ended.</summary>
    private static async Task<int> OneFinishedAsync(List<Task<int>> inFlight)
    {
        var finished = await Task.WhenAny(inFlight);
        inFlight.Remove(finished);
        return await finished;
    }

    /// <summary>Opens a batch's transaction and claims its rows; null (and nothing left open) when none is due.</summary>
    private async Task<ClaimedBatch?> ClaimAsync(string target, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var steps = new RevocationStepTimer(metrics);
        var connection = await store.DataSource.OpenConnectionAsync(cancellationToken);
        NpgsqlTransaction? transaction = null;
        try
        {
            transaction = await connection.BeginTransactionAsync(cancellationToken);
            // The decisions are read only for a target whose revoke names the approvers (the audit entries do not).
            var due = await store.ClaimDueAsync(connection, transaction, target, now, options.Value.BatchSize, targets.Get(target).RevokeNamesApprovers);
            steps.Lap(RevocationStep.Claim);
            if (due.Count > 0)
            {
                return new ClaimedBatch(connection, transaction, due, now, steps);
            }
        }
        catch
        {
            await DisposeAsync(connection, transaction);
            throw;
        }

        await DisposeAsync(connection, transaction);
        return null;
    }

    /// <summary>Revokes a claimed batch at its target, moves its rows with their audit entries and commits; returns how many requests ended.</summary>
    private async Task<int> FinishAsync(ClaimedBatch batch, CancellationToken cancellationToken)
    {
        // Off the claiming loop at once, so the next claim does not wait for this batch's first round trip.
        await Task.Yield();
        var (connection, transaction, due, now, steps) = batch;
        IReadOnlyList<long> ended;
        var entries = new List<AuditEntry>();
        try
        {
            // How long the earliest row waited for this batch (a retried row's wait includes its back-off).
            steps.Add(RevocationStep.Wait, now - due.Min(r => r.CleanupDueAt ?? r.EndsAt ?? now));
            ended = await targetRevoker.EndAsync(connection, transaction, due, RequestStatus.Expired, TargetRevoker.SystemActor, ChatPlatform.System, now, entries, steps, cancellationToken);

            // Chat is told through a job that commits with the batch (one INSERT into the job outbox, moved into
            // Hangfire after the commit): a slow chat API never holds a revocation, and neither does Hangfire's
            // enqueue, which used to cost the lane three more durable commits per batch.
            var told = JobOutbox.Begin();
            ChatNotifications.Via(told).RequestsChanged(ended);
            steps.Lap(RevocationStep.Jobs);

            // The audit entries and the chat job go in one round trip.
            await using (var write = new NpgsqlBatch(connection, transaction))
            {
                if (entries.Count > 0)
                {
                    write.BatchCommands.Add(AuditLog.AppendCommand(entries));
                }

                if (told.Jobs.Count > 0)
                {
                    write.BatchCommands.Add(JobOutbox.SaveCommand(told));
                }

                if (write.BatchCommands.Count > 0)
                {
                    await write.ExecuteNonQueryAsync(cancellationToken);
                }
            }

            steps.Lap(RevocationStep.Audit);
            await transaction.CommitAsync(cancellationToken);
            steps.Lap(RevocationStep.Commit);
        }
        finally
        {
            await DisposeAsync(connection, transaction);
        }

        if (entries.Count > 0)
        {
            audit.Appended.Raise();
        }

        outbox.Wake();
        metrics.Revoked(due, ended, time.GetUtcNow());
        steps.Finish(due.Count);
        return ended.Count;
    }

    private static async Task DisposeAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        if (transaction is not null)
        {
            await transaction.DisposeAsync();
        }

        await connection.DisposeAsync();
    }

    /// <summary>When the next work falls due at a target other than <paramref name="exceptTargets"/> (window end, clean-up or retry), or null when none.</summary>
    public Task<DateTimeOffset?> NextDueAsync(IReadOnlyCollection<string> exceptTargets, CancellationToken cancellationToken) => store.NextDueAsync(exceptTargets, cancellationToken);
}
