using ChatOpsApprover.Domain;
using ChatOpsApprover.Storage;
using Npgsql;
using NpgsqlTypes;

namespace ChatOpsApprover.Requests;

/// <summary>
/// The store of extensions: the only place that reads or writes jit.extensions. Callers own the transaction and lock
/// the extension's request first (<see cref="RequestStore.FindAsync(NpgsqlConnection, NpgsqlTransaction?, long, bool)"/>
/// with forUpdate), so a decision, the move of the end and the revocation never interleave.
/// </summary>
public sealed class ExtensionStore(NpgsqlDataSource dataSource)
{
    private const string Columns = "id, request_id, duration_seconds, status, platform, requested_at, approved_by, decided_at, decided_by, outcome, awaiting_step_up";

    public NpgsqlDataSource DataSource => dataSource;

    public static string ToStorage(ExtensionStatus status) => status switch
    {
        ExtensionStatus.Pending => "pending",
        ExtensionStatus.Approved => "approved",
        ExtensionStatus.Denied => "denied",
        ExtensionStatus.Refused => "refused",
        ExtensionStatus.Lapsed => "lapsed",
    };

    private static ExtensionStatus FromStorage(string status) => status switch
    {
        "pending" => ExtensionStatus.Pending,
        "approved" => ExtensionStatus.Approved,
        "denied" => ExtensionStatus.Denied,
        "refused" => ExtensionStatus.Refused,
        "lapsed" => ExtensionStatus.Lapsed,
        _ => throw new InvalidOperationException($"Unknown extension status \"{status}\" in jit.extensions."),
    };

    /// <summary>
    /// Stores a new extension in <paramref name="status"/> (Pending, or Approved when no approval is needed); a pending one
    /// may wait from the start for <paramref name="awaitingStepUp"/> (the requester) to confirm with their second factor.
    /// </summary>
    public async Task<long> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long requestId, TimeSpan duration, ExtensionStatus status, ChatPlatform platform, DateTimeOffset now, string? decidedBy, string? awaitingStepUp = null)
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO jit.extensions (request_id, duration_seconds, status, platform, requested_at, decided_at, decided_by, awaiting_step_up)
            VALUES (@request, @duration, @status, @platform, @now, CASE WHEN @decided_by::text IS NULL THEN NULL ELSE @now END, @decided_by,
                    CASE WHEN @awaiting::text IS NULL THEN '{}'::text[] ELSE ARRAY[@awaiting::text] END)
            RETURNING id
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter("awaiting", NpgsqlDbType.Text) { Value = (object?)awaitingStepUp ?? DBNull.Value });
        command.Parameters.AddWithValue("request", requestId);
        command.Parameters.AddWithValue("duration", (int)duration.TotalSeconds);
        command.Parameters.AddWithValue("status", ToStorage(status));
        command.Parameters.AddWithValue("platform", StoredPlatform.Name(platform));
        command.Parameters.AddWithValue("now", now);
        command.Parameters.Add(new NpgsqlParameter("decided_by", NpgsqlDbType.Text) { Value = (object?)decidedBy ?? DBNull.Value });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Loads an extension; with <paramref name="forUpdate"/> its row stays locked until the transaction ends.</summary>
    public async Task<AccessExtension?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long id, bool forUpdate)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM jit.extensions WHERE id = @id{(forUpdate ? " FOR UPDATE" : string.Empty)}", connection, transaction);
        command.Parameters.AddWithValue("id", id);
        return (await ReadAsync(command)).FirstOrDefault();
    }

    public async Task<AccessExtension?> FindAsync(long id)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await FindAsync(connection, null, id, forUpdate: false);
    }

    /// <summary>The extension of a request still waiting for its approvers, if any.</summary>
    public async Task<AccessExtension?> PendingOfAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long requestId)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM jit.extensions WHERE request_id = @request AND status = @pending", connection, transaction);
        command.Parameters.AddWithValue("request", requestId);
        command.Parameters.AddWithValue("pending", ToStorage(ExtensionStatus.Pending));
        return (await ReadAsync(command)).FirstOrDefault();
    }

    /// <summary>Adds an approver to a locked pending extension.</summary>
    public async Task AddApprovalAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long id, string approverId)
    {
        await using var command = new NpgsqlCommand("UPDATE jit.extensions SET approved_by = array_append(approved_by, @approver) WHERE id = @id", connection, transaction);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("approver", approverId);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>On a locked pending extension: <paramref name="personId"/>'s confirmation with their second factor is awaited (once).</summary>
    public async Task AwaitStepUpAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long id, string personId)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE jit.extensions SET awaiting_step_up = array_append(awaiting_step_up, @person) WHERE id = @id AND NOT (@person = ANY(awaiting_step_up))", connection, transaction);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("person", personId);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>On a locked pending extension: <paramref name="personId"/>'s confirmation is no longer awaited (given, or refused).</summary>
    public async Task EndStepUpAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long id, string personId)
    {
        await using var command = new NpgsqlCommand("UPDATE jit.extensions SET awaiting_step_up = array_remove(awaiting_step_up, @person) WHERE id = @id", connection, transaction);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("person", personId);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Closes the extensions still waiting on requests whose access just ended (<paramref name="requestIds"/>, locked by
    /// the caller, which ends them in this transaction) as Lapsed; returns them as they were.
    /// </summary>
    public async Task<IReadOnlyList<AccessExtension>> LapseAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long[] requestIds, DateTimeOffset now, string why)
    {
        await using var command = new NpgsqlCommand(
            $$"""
            UPDATE jit.extensions SET status = @lapsed, decided_by = 'policy', decided_at = @now, outcome = @why, awaiting_step_up = '{}'
            WHERE request_id = ANY(@requests) AND status = @pending
            RETURNING {{Columns}}
            """, connection, transaction);
        command.Parameters.AddWithValue("requests", requestIds);
        command.Parameters.AddWithValue("lapsed", ToStorage(ExtensionStatus.Lapsed));
        command.Parameters.AddWithValue("pending", ToStorage(ExtensionStatus.Pending));
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("why", why);
        return await ReadAsync(command);
    }

    /// <summary>The lapsed extensions of a request (their cards are closed when the request's are updated).</summary>
    public async Task<IReadOnlyList<long>> LapsedOfAsync(long requestId)
    {
        await using var command = dataSource.CreateCommand("SELECT id FROM jit.extensions WHERE request_id = @request AND status = @lapsed");
        command.Parameters.AddWithValue("request", requestId);
        command.Parameters.AddWithValue("lapsed", ToStorage(ExtensionStatus.Lapsed));
        var result = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(reader.GetInt64(0));
        }

        return result;
    }

    /// <summary>Decides a locked pending extension: it moves to <paramref name="status"/>, a final one.</summary>
    public async Task DecideAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long id, ExtensionStatus status, string decidedBy, DateTimeOffset at, string? outcome)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE jit.extensions SET status = @status, decided_by = @by, decided_at = @at, outcome = @outcome, awaiting_step_up = '{}' WHERE id = @id AND status = @pending",
            connection, transaction);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("status", ToStorage(status));
        command.Parameters.AddWithValue("pending", ToStorage(ExtensionStatus.Pending));
        command.Parameters.AddWithValue("by", decidedBy);
        command.Parameters.AddWithValue("at", at);
        command.Parameters.Add(new NpgsqlParameter("outcome", NpgsqlDbType.Text) { Value = (object?)outcome ?? DBNull.Value });
        if (await command.ExecuteNonQueryAsync() != 1)
        {
            throw new InvalidOperationException($"Extension {id} was not pending; the caller must hold its lock.");
        }
    }

    private static async Task<List<AccessExtension>> ReadAsync(NpgsqlCommand command)
    {
        var result = new List<AccessExtension>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(new AccessExtension(
                reader.GetInt64(0),
                reader.GetInt64(1),
                TimeSpan.FromSeconds(reader.GetInt32(2)),
                FromStorage(reader.GetString(3)),
                StoredPlatform.Parse(reader.GetString(4)),
                reader.GetFieldValue<DateTimeOffset>(5),
                reader.GetFieldValue<string[]>(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.GetFieldValue<string[]>(10)));
        }

        return result;
    }
}
