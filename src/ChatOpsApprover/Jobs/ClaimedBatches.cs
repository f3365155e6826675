using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using Npgsql;

namespace ChatOpsApprover.Jobs;

/// <summary>
/// The claim-in-batches loop of the deadline jobs (pending timeouts, end reminders, approval lapses), in one place. Each
/// batch is a transaction of its own: <c>claim</c> locks up to a batch of due rows (FOR UPDATE SKIP LOCKED, so
/// instances share the work and each row is handled once), <c>mark</c> changes them and returns their audit entries,
/// which are appended last (the audit chain's lock is held only until the commit), then the transaction commits and
/// <c>afterCommit</c> hands the rows to slower work (chat jobs). Batches repeat while a full one comes back.
/// </summary>
public static class ClaimedBatches
{
    /// <summary>Runs batches until one comes back short (or the token is cancelled); returns how many rows were handled.</summary>
    public static async Task<int> RunAsync<T>(
        NpgsqlDataSource dataSource,
        AuditLog audit,
        TimeProvider time,
        int batchSize,
        Func<NpgsqlConnection, NpgsqlTransaction, DateTimeOffset, Task<List<T>>> claim,
        Func<NpgsqlConnection, NpgsqlTransaction, IReadOnlyList<T>, DateTimeOffset, Task<IReadOnlyList<AuditEntry>>> mark,
        Action<IReadOnlyList<T>> afterCommit,
        CancellationToken cancellationToken)
    {
        var total = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            List<T> due;
            await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
            await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
            {
                due = await claim(connection, transaction, now);
                var entries = await mark(connection, transaction, due, now);
                await audit.AppendManyAsync(connection, transaction, entries);
                await transaction.CommitAsync(cancellationToken);
            }

            afterCommit(due);
            total += due.Count;
            if (due.Count < batchSize)
            {
                break;
            }
        }

        return total;
    }
}
