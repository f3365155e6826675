using System.Transactions;
using Hangfire;
using Hangfire.Common;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.States;
using Hangfire.Storage;
using Npgsql;

namespace ChatOpsApprover.Jobs;

/// <summary>
/// The jobs a change asks for, stored in the change's own transaction (table jit.job_outbox) and moved into Hangfire's
/// queues by <see cref="JobOutboxRelay"/> after the commit. The answer then waits for one durable commit (Hangfire's
/// enqueue is two or three more), and a crash right after the commit no longer loses the card, the grant or the
/// notification the change asked for. Each job reaches Hangfire at least once; every job is idempotent.
/// </summary>
public sealed class JobOutbox(NpgsqlDataSource dataSource, PostgreSqlStorageOptions storageOptions)
{
    /// <summary>Most jobs moved in one transaction of the relay.</summary>
    public const int RelayBatch = 200;

    private readonly SemaphoreSlim _stored = new(0, 1);
    private int _pending;

    /// <summary>A collector for the jobs of one transaction, used where a job client is expected; see <see cref="SaveAsync"/>.</summary>
    public static JobOutboxBatch Begin() => new();

    /// <summary>Writes the batch's jobs in the caller's transaction, in one statement; call <see cref="Wake"/> after the commit.</summary>
    public async Task SaveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, JobOutboxBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Jobs.Count == 0)
        {
            return;
        }

        await using var save = new NpgsqlBatch(connection, transaction) { BatchCommands = { SaveCommand(batch) } };
        await save.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The insert of <see cref="SaveAsync"/>, for a caller that sends it in one batch with its change (an implicit
    /// transaction); call <see cref="Wake"/> once that committed.
    /// </summary>
    public static NpgsqlBatchCommand SaveCommand(JobOutboxBatch batch)
    {
        var insert = new NpgsqlBatchCommand("INSERT INTO jit.job_outbox (job) SELECT unnest($1::text[])");
        insert.Parameters.AddWithValue(batch.Jobs.ToArray());
        return insert;
    }

    /// <summary>Tells this instance's relay that jobs were committed. Many wakes between two waits count as one.</summary>
    public void Wake()
    {
        if (Interlocked.Exchange(ref _pending, 1) == 0)
        {
            _stored.Release();
        }
    }

    /// <summary>Waits for a wake; false when <paramref name="timeout"/> passed first.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var woken = await _stored.WaitAsync(timeout, cancellationToken);
        Interlocked.Exchange(ref _pending, 0);
        return woken;
    }

    /// <summary>
    /// Moves up to <see cref="RelayBatch"/> committed jobs into Hangfire's queues and deletes them, all in one
    /// transaction on one connection; returns how many. Rows are claimed with SKIP LOCKED, so instances share the work.
    /// Hangfire's own client creates each job (its client filters, the state election that puts a chat job on the chat
    /// queue, Enqueued and the queue row) through a storage bound to this connection, enlisted in the same transaction:
    /// one commit for the batch instead of two or three durable ones per job, and a crash before it leaves the rows to be
    /// relayed again with nothing of them in Hangfire.
    /// </summary>
    public async Task<int> RelayAsync(IJobFilterProvider filters, CancellationToken cancellationToken)
    {
        using var scope = new TransactionScope(
            TransactionScopeOption.RequiresNew,
            new TransactionOptions { IsolationLevel = IsolationLevel.ReadCommitted },
            TransactionScopeAsyncFlowOption.Enabled);
        var ids = new List<long>();
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            connection.EnlistTransaction(Transaction.Current);
            var jobs = new List<string>();

            // The batch commits without waiting for its WAL flush. The rows it moves were committed durably by the change
            // that asked for them, and this transaction is all or nothing: a crash that loses it loses the jobs and the
            // delete together, and the rows are relayed again. A later durable commit (a job's own work, the next
            // change) flushes it, as WAL is written in order.
            await using (var claim = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand("SET LOCAL synchronous_commit = off"),
                    new NpgsqlBatchCommand("SELECT id, job FROM jit.job_outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED") { Parameters = { new NpgsqlParameter { Value = RelayBatch } } },
                },
            })
            {
                await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    ids.Add(reader.GetInt64(0));
                    jobs.Add(reader.GetString(1));
                }
            }

            if (ids.Count == 0)
            {
                return 0;
            }

            var client = new BackgroundJobClient(InTransaction(connection), filters);
            foreach (var job in jobs)
            {
                client.Create(InvocationData.DeserializePayload(job).DeserializeJob(), new EnqueuedState());
            }

            await using var delete = new NpgsqlCommand("DELETE FROM jit.job_outbox WHERE id = ANY($1)", connection);
            delete.Parameters.AddWithValue(ids.ToArray());
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        // The connection goes back to its pool once the transaction it is enlisted in ends, here.
        scope.Complete();
        return ids.Count;
    }

    /// <summary>
    /// Hangfire's PostgreSQL storage over one open connection enlisted in the ambient transaction: every write of the
    /// job client joins that transaction (its own TransactionScopes are Required when one is ambient) instead of
    /// committing on a pooled connection of its own. Schema, queue poll and invisibility settings are the ones the
    /// server reads with; this storage only writes.
    /// </summary>
    private PostgreSqlStorage InTransaction(NpgsqlConnection connection)
    {
        var options = new PostgreSqlStorageOptions
        {
            SchemaName = storageOptions.SchemaName,
            PrepareSchemaIfNecessary = false,
            EnableLongPolling = false,
            EnableTransactionScopeEnlistment = true,
            UseSlidingInvisibilityTimeout = storageOptions.UseSlidingInvisibilityTimeout,
            InvisibilityTimeout = storageOptions.InvisibilityTimeout,
            QueuePollInterval = storageOptions.QueuePollInterval,
            DistributedLockTimeout = storageOptions.DistributedLockTimeout,
        };
        return new PostgreSqlStorage(new ExistingNpgsqlConnectionFactory(connection, options), options);
    }
}
