using System.Text.Json;
using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using Npgsql;
using NpgsqlTypes;

namespace ChatOpsApprover.Storage;

/// <summary>
/// The only writer of jit.audit_log. Appends inside the caller's transaction, so the audit entry exists exactly when
/// the change does, and links each entry to the one before it (see <see cref="AuditChain"/>).
/// </summary>
/// <remarks>
/// Appending locks the chain head (one row) until the caller's transaction ends: that keeps the chain linear across
/// every instance and gives entries gapless ids. So append as the LAST step before commit, after every other lock
/// and every call to a target or chat API; a transaction holding the head must not wait for anything else.
/// </remarks>
public sealed class AuditLog
{
    /// <summary>NOTIFY channel raised (at commit) whenever entries are appended; the audit channel publisher listens.</summary>
    public const string NotifyChannel = "jit_audit";

    public Task AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AuditEntry entry) =>
        AppendManyAsync(connection, transaction, [entry]);

    /// <summary>Appends entries in order: one round trip to lock the head, one to insert the whole batch.</summary>
    public async Task AppendManyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<AuditEntry> entries)
    {
        if (entries.Count == 0)
        {
            return;
        }

        // FOR UPDATE waits for any other appender's commit and then returns the head as that commit left it.
        long lastId;
        string lastHash;
        await using (var head = new NpgsqlCommand("SELECT last_id, last_hash FROM jit.audit_chain_head FOR UPDATE", connection, transaction))
        await using (var reader = await head.ExecuteReaderAsync())
        {
            if (!await reader.ReadAsync())
            {
                throw new InvalidOperationException("jit.audit_chain_head has no row: the 0002_audit migration has not run.");
            }

            lastId = reader.GetInt64(0);
            lastHash = reader.GetString(1);
        }

        var count = entries.Count;
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
            var entry = entries[i];
            var entryDetails = entry.Details ?? new Dictionary<string, string>();
            ids[i] = lastId + 1 + i;
            ats[i] = AuditChain.Normalize(entry.At);
            events[i] = entry.Event;
            requestIds[i] = entry.RequestId;
            actors[i] = entry.Actor;
            platforms[i] = RequestStore.PlatformName(entry.Platform);
            details[i] = JsonSerializer.Serialize(entryDetails);
            prevHashes[i] = lastHash;
            lastHash = hashes[i] = AuditChain.Hash(AuditChain.Canonical(ids[i], ats[i], events[i], requestIds[i], actors[i], platforms[i], entryDetails, prevHashes[i]));
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

        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands = { insert, moveHead, new NpgsqlBatchCommand($"NOTIFY {NotifyChannel}") },
        };
        await batch.ExecuteNonQueryAsync();
    }
}
