using System.Text.Json;
using ChatOpsApprover.Domain;
using Npgsql;

namespace ChatOpsApprover.Storage;

/// <summary>Appends to the audit log inside the caller's transaction, so the audit entry exists exactly when the change does.</summary>
public sealed class AuditLog
{
    public async Task AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AuditEntry entry)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO jit.audit_log (at, event, request_id, actor, platform, details) VALUES (@at, @event, @request, @actor, @platform, @details::jsonb)",
            connection, transaction);
        command.Parameters.AddWithValue("at", entry.At);
        command.Parameters.AddWithValue("event", entry.Event);
        command.Parameters.AddWithValue("request", (object?)entry.RequestId ?? DBNull.Value);
        command.Parameters.AddWithValue("actor", entry.Actor);
        command.Parameters.AddWithValue("platform", RequestStore.PlatformName(entry.Platform));
        command.Parameters.AddWithValue("details", JsonSerializer.Serialize(entry.Details ?? new Dictionary<string, string>()));
        await command.ExecuteNonQueryAsync();
    }
}
