using ChatOpsApprover.Domain;
using ChatOpsApprover.Storage;
using Npgsql;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// The only place that reads or writes step-ups (jit.stepup_confirmations), which belong to the request aggregate:
/// <see cref="Requests.RequestStore"/> reads them with each request. Callers own the transaction.
/// </summary>
public sealed class StepUpConfirmationStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Marks a confirmation as waiting. Asking again keeps it waiting, and reopens a refused one (an approver who was
    /// refused on a new network may try again from a known one; a refused requester's request has already failed).
    /// A verified one is never reopened. Returns whether it is waiting.
    /// </summary>
    public async Task<bool> AskAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long requestId, string personId, StepUpPurpose purpose, ChatPlatform platform, DateTimeOffset now, TimeSpan? approvedDuration = null)
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO jit.stepup_confirmations (request_id, person_id, purpose, state, platform, at, duration_seconds) VALUES (@id, @person, @purpose, 'waiting', @platform, @now, @duration)
            ON CONFLICT (request_id, person_id, purpose) DO UPDATE
            SET state = 'waiting', at = excluded.at, platform = excluded.platform, new_device = false, new_network = false, duration_seconds = excluded.duration_seconds
            WHERE jit.stepup_confirmations.state <> 'verified'
            """, connection, transaction);
        command.Parameters.AddWithValue("id", requestId);
        command.Parameters.AddWithValue("person", personId);
        command.Parameters.AddWithValue("purpose", PurposeNames.Of(purpose));
        command.Parameters.AddWithValue("platform", StoredPlatform.Name(platform));
        command.Parameters.AddWithValue("now", now);
        command.Parameters.Add(new NpgsqlParameter("duration", NpgsqlTypes.NpgsqlDbType.Integer) { Value = approvedDuration is { } d ? (int)d.TotalSeconds : DBNull.Value });
        return await command.ExecuteNonQueryAsync() == 1;
    }

    /// <param name="factor">What confirmed it ("totp", "passkey: YubiKey 5"); shown on the card.</param>
    public async Task FinishAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long requestId, string personId, StepUpPurpose purpose, StepUpState state, StepUpRisk risk, DateTimeOffset now, string factor)
    {
        await using var command = new NpgsqlCommand(
            """
            UPDATE jit.stepup_confirmations SET state = @state, at = @now, new_device = @device, new_network = @network, factor = @factor
            WHERE request_id = @id AND person_id = @person AND purpose = @purpose AND state = 'waiting'
            """, connection, transaction);
        command.Parameters.AddWithValue("id", requestId);
        command.Parameters.AddWithValue("person", personId);
        command.Parameters.AddWithValue("purpose", PurposeNames.Of(purpose));
        command.Parameters.AddWithValue("state", state.ToString().ToLowerInvariant());
        command.Parameters.AddWithValue("device", risk.NewDevice);
        command.Parameters.AddWithValue("network", risk.NewNetwork);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.Add(new NpgsqlParameter("factor", NpgsqlTypes.NpgsqlDbType.Text) { Value = factor });
        if (await command.ExecuteNonQueryAsync() != 1)
        {
            throw new InvalidOperationException($"No waiting {purpose} confirmation of request {requestId}; the caller must hold the request's lock.");
        }
    }

    /// <summary>
    /// The platform the person acted on when they were asked (an approver's click, a requester's request) and the
    /// shorter duration an approver chose with their click, if any; null when they were never asked.
    /// </summary>
    public async Task<(ChatPlatform Platform, TimeSpan? ApprovedDuration)?> AskedOnAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long requestId, string personId, StepUpPurpose purpose)
    {
        await using var command = new NpgsqlCommand(
            "SELECT platform, duration_seconds FROM jit.stepup_confirmations WHERE request_id = @id AND person_id = @person AND purpose = @purpose", connection, transaction);
        command.Parameters.AddWithValue("id", requestId);
        command.Parameters.AddWithValue("person", personId);
        command.Parameters.AddWithValue("purpose", PurposeNames.Of(purpose));
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return null;
        }

        return (StoredPlatform.Parse(reader.GetString(0)), reader.IsDBNull(1) ? null : TimeSpan.FromSeconds(reader.GetInt32(1)));
    }

    /// <summary>
    /// Every confirmation still waiting for this person, whatever became of its request (a request that ended leaves
    /// its confirmations waiting): callers keep those whose request still needs them (<see cref="StepUpRules.Awaits"/>).
    /// </summary>
    public async Task<IReadOnlyList<(long RequestId, StepUpPurpose Purpose, ChatPlatform Platform)>> WaitingForAsync(string personId)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT request_id, purpose, platform FROM jit.stepup_confirmations WHERE person_id = @person AND state = 'waiting' ORDER BY request_id");
        command.Parameters.AddWithValue("person", personId);
        var result = new List<(long, StepUpPurpose, ChatPlatform)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add((reader.GetInt64(0), PurposeNames.Parse(reader.GetString(1)), StoredPlatform.Parse(reader.GetString(2))));
        }

        return result;
    }

    /// <summary>The confirmations of each of these requests (part of the request aggregate), oldest first.</summary>
    public async Task<Dictionary<long, IReadOnlyList<StepUpConfirmation>>> ConfirmationsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long[] requestIds)
    {
        await using var command = new NpgsqlCommand(ConfirmationsSql, connection, transaction);
        command.Parameters.AddWithValue("ids", requestIds);
        return await RowGroups.ReadAsync(command, ReadConfirmation);
    }

    /// <summary>The read of <see cref="ConfirmationsAsync"/>, for a batch that reads a request with its confirmations (rows: <see cref="ReadConfirmation"/>).</summary>
    public static NpgsqlBatchCommand ConfirmationsCommand(long[] requestIds)
    {
        var command = new NpgsqlBatchCommand(ConfirmationsSql);
        command.Parameters.AddWithValue("ids", requestIds);
        return command;
    }

    public static StepUpConfirmation ReadConfirmation(NpgsqlDataReader reader) => new(
        reader.GetString(1),
        PurposeNames.Parse(reader.GetString(2)),
        Enum.Parse<StepUpState>(reader.GetString(3), ignoreCase: true),
        reader.GetFieldValue<DateTimeOffset>(4),
        new StepUpRisk(reader.GetBoolean(5), reader.GetBoolean(6)))
    {
        Factor = reader.IsDBNull(7) ? null : reader.GetString(7),
    };

    private const string ConfirmationsSql =
        "SELECT request_id, person_id, purpose, state, at, new_device, new_network, factor FROM jit.stepup_confirmations WHERE request_id = ANY(@ids) ORDER BY at, person_id";
}
