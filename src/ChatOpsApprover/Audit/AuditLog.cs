using System.Runtime.CompilerServices;
using System.Text.Json;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Storage;
using Npgsql;
using NpgsqlTypes;

namespace ChatOpsApprover.Audit;

/// <summary>
/// The audit log's store: the only place that reads or writes jit.audit_log, its chain head and the outbox in front of
/// it. It is the only writer. <see cref="AppendManyAsync"/> writes entries to jit.audit_outbox inside the caller's
/// transaction, so an entry exists exactly when its change does; <see cref="SealPendingAsync"/> (run by
/// <see cref="AuditSealingService"/>) moves committed entries into jit.audit_log in order, giving each the next id and
/// linking it to the one before (see <see cref="AuditChain"/>). Its reads serve the verifier, the export, the audit
/// channel publisher and "jit audit", and see an entry once it is sealed, a few milliseconds after its change.
/// </summary>
/// <remarks>
/// Why an outbox: chaining inside the business transaction locked the one-row chain head until that transaction
/// committed, so every change in the system waited for every other one's commit (and its fsync). Appending now takes
/// no shared lock; only the sealer, one batch at a time, holds the head.
/// </remarks>
public sealed class AuditLog(NpgsqlDataSource dataSource)
{
    /// <summary>NOTIFY channel raised (at commit) whenever entries are sealed into the log; the audit channel publisher listens.</summary>
    public const string NotifyChannel = "jit_audit";

    /// <summary>Entries sealed per transaction: a revocation burst of thousands is sealed in a few.</summary>
    public const int SealBatchSize = 2000;

    /// <summary>Advisory lock key of the sealer ("JITSEAL"): one instance seals at a time.</summary>
    private const long SealLockKey = 0x4A49_5453_4541_4C00;

    /// <summary>The columns <see cref="Read"/> reads, in its order.</summary>
    private const string Columns = "id, at, event, request_id, actor, platform, details::text, prev_hash, hash";

    public NpgsqlDataSource DataSource => dataSource;

    /// <summary>Raised by every append (before the caller commits), so this instance's sealer starts looking for the entries.</summary>
    public AuditAppendSignal Appended { get; } = new();

    public Task AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AuditEntry entry) =>
        AppendManyAsync(connection, transaction, [entry]);

    /// <summary>Writes entries, in order, to the outbox in the caller's transaction: one round trip, no lock shared with other writers.</summary>
    public async Task AppendManyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<AuditEntry> entries)
    {
        if (entries.Count == 0)
        {
            return;
        }

        await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { AppendCommand(entries) } };
        await batch.ExecuteNonQueryAsync();
        Appended.Raise();
    }

    /// <summary>
    /// The insert of <see cref="AppendManyAsync"/>, for a caller that sends it in one batch with its change (an
    /// implicit transaction); once the batch ran, the caller raises <see cref="Appended"/>.
    /// </summary>
    public static NpgsqlBatchCommand AppendCommand(IReadOnlyList<AuditEntry> entries)
    {
        var count = entries.Count;
        var ats = new DateTimeOffset[count];
        var events = new string[count];
        var requestIds = new long?[count];
        var actors = new string[count];
        var platforms = new string[count];
        var details = new string[count];
        for (var i = 0; i < count; i++)
        {
            var entry = entries[i];
            ats[i] = AuditChain.Normalize(entry.At);
            events[i] = entry.Event;
            requestIds[i] = entry.RequestId;
            actors[i] = entry.Actor;
            platforms[i] = StoredPlatform.Name(entry.Platform);
            details[i] = JsonSerializer.Serialize(entry.Details ?? new Dictionary<string, string>());
        }

        // Rows are inserted, and their seq drawn, in the order given: the sealer keeps that order.
        var insert = new NpgsqlBatchCommand(
            """
            INSERT INTO jit.audit_outbox (at, event, request_id, actor, platform, details)
            SELECT at, event, request_id, actor, platform, details::jsonb
            FROM unnest($1, $2, $3, $4, $5, $6) WITH ORDINALITY AS e(at, event, request_id, actor, platform, details, n)
            ORDER BY n
            """);
        insert.Parameters.Add(new NpgsqlParameter { Value = ats, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        insert.Parameters.Add(new NpgsqlParameter { Value = events, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        insert.Parameters.Add(new NpgsqlParameter { Value = requestIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        insert.Parameters.Add(new NpgsqlParameter { Value = actors, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        insert.Parameters.Add(new NpgsqlParameter { Value = platforms, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        insert.Parameters.Add(new NpgsqlParameter { Value = details, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        return insert;
    }

    /// <summary>Whether committed entries wait in the outbox (a cheap look, without any lock).</summary>
    public async Task<bool> HasUnsealedAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM jit.audit_outbox)");
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    /// <summary>
    /// Seals what is committed before a read of the log, so a reader sees every change made before they asked rather
    /// than what the sealing service has reached a few milliseconds later. Costs one cheap look when nothing waits.
    /// </summary>
    public async Task SealBeforeReadAsync(CancellationToken cancellationToken)
    {
        if (await HasUnsealedAsync(cancellationToken))
        {
            await SealPendingAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Moves every committed outbox entry into jit.audit_log, in seq order, in transactions of up to
    /// <see cref="SealBatchSize"/>; returns how many were sealed. Safe to run anywhere at any time: an advisory lock
    /// lets one sealer run at a time across instances, and the chain head's row lock keeps the chain linear.
    /// </summary>
    public async Task<int> SealPendingAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        int sealedNow;
        do
        {
            sealedNow = await SealBatchAsync(cancellationToken);
            total += sealedNow;
        }
        while (sealedNow == SealBatchSize);

        return total;
    }

    private async Task<int> SealBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Each statement reads after the one before it: the entries taken are those committed once the lock was held.
        var take = new NpgsqlBatchCommand(
            """
            DELETE FROM jit.audit_outbox
            WHERE seq IN (SELECT seq FROM jit.audit_outbox ORDER BY seq LIMIT $1)
            RETURNING seq, at, event, request_id, actor, platform, details::text
            """);
        take.Parameters.Add(new NpgsqlParameter { Value = SealBatchSize });
        await using var lockAndTake = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock({SealLockKey})"),
                take,
                new NpgsqlBatchCommand("SELECT last_id, last_hash FROM jit.audit_chain_head FOR UPDATE"),
            },
        };
        var taken = new List<(long Seq, AuditRecord Entry)>();
        (long LastId, string LastHash)? head = null;
        await using (var reader = await lockAndTake.ExecuteReaderAsync(cancellationToken))
        {
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                taken.Add((reader.GetInt64(0), new AuditRecord(
                    0, reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetInt64(3),
                    reader.GetString(4), reader.GetString(5), reader.GetString(6), string.Empty, string.Empty)));
            }

            await reader.NextResultAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                head = (reader.GetInt64(0), reader.GetString(1));
            }
        }

        if (taken.Count == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return 0;
        }

        var (lastId, lastHash) = head ?? throw new InvalidOperationException("jit.audit_chain_head has no row: the 0002_audit migration has not run.");
        taken.Sort((a, b) => a.Seq.CompareTo(b.Seq));
        var count = taken.Count;
        var ids = new long[count];
        var ats = new DateTimeOffset[count];
        var events = new string[count];
        var requestIds = new long?[count];
        var actors = new string[count];
        var platforms = new string[count];
        var details = new string[count];
        var prevHashes = new string[count];
        var hashes = new string[count];
        for (var i = 0; i < count; i++)
        {
            // The hash covers the details exactly as the log will hold them, the text PostgreSQL gave back for the jsonb.
            var entry = taken[i].Entry with { Id = lastId + 1 + i, PrevHash = lastHash };
            ids[i] = entry.Id;
            ats[i] = entry.At;
            events[i] = entry.Event;
            requestIds[i] = entry.RequestId;
            actors[i] = entry.Actor;
            platforms[i] = entry.Platform;
            details[i] = entry.DetailsJson;
            prevHashes[i] = lastHash;
            lastHash = hashes[i] = entry.ComputeHash();
        }

        var insert = new NpgsqlBatchCommand(
            """
            INSERT INTO jit.audit_log (id, at, event, request_id, actor, platform, details, prev_hash, hash)
            SELECT id, at, event, request_id, actor, platform, details::jsonb, prev_hash, hash
            FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9) AS e(id, at, event, request_id, actor, platform, details, prev_hash, hash)
            ORDER BY id
            """);
        insert.Parameters.Add(new NpgsqlParameter { Value = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        insert.Parameters.Add(new NpgsqlParameter { Value = ats, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        insert.Parameters.Add(new NpgsqlParameter { Value = events, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        insert.Parameters.Add(new NpgsqlParameter { Value = requestIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        insert.Parameters.Add(new NpgsqlParameter { Value = actors, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        insert.Parameters.Add(new NpgsqlParameter { Value = platforms, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        insert.Parameters.Add(new NpgsqlParameter { Value = details, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        insert.Parameters.Add(new NpgsqlParameter { Value = prevHashes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        insert.Parameters.Add(new NpgsqlParameter { Value = hashes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });

        var moveHead = new NpgsqlBatchCommand("UPDATE jit.audit_chain_head SET last_id = $1, last_hash = $2");
        moveHead.Parameters.Add(new NpgsqlParameter { Value = ids[^1] });
        moveHead.Parameters.Add(new NpgsqlParameter { Value = lastHash });

        await using (var write = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands = { insert, moveHead, new NpgsqlBatchCommand($"NOTIFY {NotifyChannel}") },
        })
        {
            await write.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return count;
    }

    /// <summary>Whether the schema has the chain at all (a database the bot never migrated has not).</summary>
    public async Task<bool> HasChainAsync()
    {
        await using var command = dataSource.CreateCommand("SELECT to_regclass('jit.audit_chain_head') IS NOT NULL");
        return await command.ExecuteScalarAsync() is true;
    }

    /// <summary>The newest entry's id and hash as the chain head records them; null when the head row is missing.</summary>
    public async Task<(long LastId, string LastHash)?> ReadHeadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, bool forUpdate, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT last_id, last_hash FROM jit.audit_chain_head" + (forUpdate ? " FOR UPDATE" : string.Empty), connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetString(1)) : null;
    }

    /// <summary>The newest entry's id, 0 when the log is empty.</summary>
    public async Task<long> NewestIdAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT coalesce(max(id), 0) FROM jit.audit_log", connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Every entry in id order, streamed (memory stays flat however long the log is), in the caller's snapshot.</summary>
    public async IAsyncEnumerable<AuditRecord> ReadAllAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM jit.audit_log ORDER BY id", connection, transaction) { CommandTimeout = 0 };
        await foreach (var record in StreamAsync(command, cancellationToken))
        {
            yield return record;
        }
    }

    /// <summary>
    /// The entries of a time range (<paramref name="from"/> inclusive, <paramref name="to"/> exclusive, null: no end) in
    /// id order, streamed from the database on a connection of their own, so a year of events never sits in memory.
    /// </summary>
    public async IAsyncEnumerable<AuditRecord> ReadRangeAsync(DateTimeOffset from, DateTimeOffset? to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns} FROM jit.audit_log WHERE at >= @from{(to is null ? string.Empty : " AND at < @to")} ORDER BY id", connection)
        {
            CommandTimeout = 0,
        };
        command.Parameters.AddWithValue("from", from);
        if (to is { } end)
        {
            command.Parameters.AddWithValue("to", end);
        }

        await foreach (var record in StreamAsync(command, cancellationToken))
        {
            yield return record;
        }
    }

    /// <summary>Up to <paramref name="limit"/> entries after <paramref name="afterId"/>, in id order.</summary>
    public async Task<List<AuditRecord>> ReadAfterAsync(NpgsqlConnection connection, long afterId, int limit, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM jit.audit_log WHERE id > @after ORDER BY id LIMIT @limit", connection);
        command.Parameters.AddWithValue("after", afterId);
        command.Parameters.AddWithValue("limit", limit);
        return await ReadListAsync(command, cancellationToken);
    }

    /// <summary>A request's entries up to and including <paramref name="upToId"/>, in id order.</summary>
    public async Task<List<AuditRecord>> ReadOfRequestAsync(NpgsqlConnection connection, long requestId, long upToId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM jit.audit_log WHERE request_id = @id AND id <= @upTo ORDER BY id", connection);
        command.Parameters.AddWithValue("id", requestId);
        command.Parameters.AddWithValue("upTo", upToId);
        return await ReadListAsync(command, cancellationToken);
    }

    /// <summary>How many entries of each event <paramref name="scope"/> has since <paramref name="since"/>, most frequent first.</summary>
    public async Task<List<(string Event, long Count)>> CountByEventAsync(DateTimeOffset since, AuditScope scope, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = ScopedCommand(connection, "SELECT event, count(*)", "GROUP BY event ORDER BY count(*) DESC, event", since, scope);
        var counts = new List<(string, long)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        return counts;
    }

    /// <summary>The newest <paramref name="limit"/> entries of <paramref name="scope"/> since <paramref name="since"/>, newest first.</summary>
    public async Task<List<AuditRecord>> LatestAsync(DateTimeOffset since, AuditScope scope, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = ScopedCommand(connection, $"SELECT {Columns}", "ORDER BY id DESC LIMIT @limit", since, scope);
        command.Parameters.AddWithValue("limit", limit);
        return await ReadListAsync(command, cancellationToken);
    }

    /// <remarks>
    /// Reads of the log (<see cref="AuditEvents.AuditRead"/>) are left out: a summary is of what happened to access,
    /// and counting reads would make every summary change the next. They are in the export and the audit channel.
    /// </remarks>
    private static NpgsqlCommand ScopedCommand(NpgsqlConnection connection, string select, string rest, DateTimeOffset since, AuditScope scope)
    {
        var command = new NpgsqlCommand(
            $"{select} FROM jit.audit_log WHERE at >= @since AND event <> @read{(scope.IsEverything ? string.Empty : " AND (actor = @actor OR request_id = ANY(@ids))")} {rest}", connection);
        command.Parameters.AddWithValue("since", since);
        command.Parameters.AddWithValue("read", AuditEvents.AuditRead);
        if (!scope.IsEverything)
        {
            command.Parameters.Add(new NpgsqlParameter("actor", NpgsqlDbType.Text) { Value = (object?)scope.Actor ?? DBNull.Value });
            command.Parameters.AddWithValue("ids", (scope.RequestIds ?? []).ToArray());
        }

        return command;
    }

    private static async Task<List<AuditRecord>> ReadListAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var result = new List<AuditRecord>();
        await foreach (var record in StreamAsync(command, cancellationToken))
        {
            result.Add(record);
        }

        return result;
    }

    private static async IAsyncEnumerable<AuditRecord> StreamAsync(NpgsqlCommand command, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return Read(reader);
        }
    }

    /// <summary>Reads a row selected with <see cref="Columns"/>.</summary>
    private static AuditRecord Read(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetFieldValue<DateTimeOffset>(1),
        reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetInt64(3),
        reader.GetString(4),
        reader.GetString(5),
        reader.GetString(6),
        reader.GetString(7),
        reader.GetString(8));
}
