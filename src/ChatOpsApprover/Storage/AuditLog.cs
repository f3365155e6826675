using System.Text.Json;
using ChatOpsApprover.Domain;
using Npgsql;

namespace ChatOpsApprover.Storage;

/// <summary>Appends to the audit log inside the caller's transaction, so the audit entry exists exactly when the change does.</summary>
public sealed class AuditLog
{
    public Task AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AuditEntry entry) =>
        AppendManyAsync(connection, transaction, [entry]);

    /// <summary>Appends entries in order, in one round trip per entry batch.</summary>
    public async Task AppendManyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<AuditEntry> entries)
    {
        if (entries.Count == 0)
        {
            return;
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var entry in entries)
        {
            batch.BatchCommands.Add(InsertCommand(entry));
        }

        await batch.ExecuteNonQueryAsync();
    }

    private static NpgsqlBatchCommand InsertCommand(AuditEntry entry)
    {
        var command = new NpgsqlBatchCommand(
            "INSERT INTO jit.audit_log (at, event, request_id, actor, platform, details) VALUES ($1, $2, $3, $4, $5, $6::jsonb)");
        command.Parameters.Add(new NpgsqlParameter { Value = entry.At });
        command.Parameters.Add(new NpgsqlParameter { Value = entry.Event });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)entry.RequestId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = entry.Actor });
        command.Parameters.Add(new NpgsqlParameter { Value = RequestStore.PlatformName(entry.Platform) });
        command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(entry.Details ?? new Dictionary<string, string>()) });
        return command;
    }
}
