using ChatOpsApprover.Domain;
using Npgsql;
using NpgsqlTypes;

namespace ChatOpsApprover.Storage;

/// <summary>Reads and writes access requests. Callers own the transaction, so a change and its audit entry commit together.</summary>
public sealed class RequestStore(NpgsqlDataSource dataSource)
{
    /// <summary>The columns <see cref="ReadRequestsAsync"/> reads, in its order: select exactly these.</summary>
    internal const string Columns =
        "id, person_id, role_name, target, grant_name, login, duration_seconds, reason, status, platform, requested_at, granted_at, ends_at, ended_at, ended_by, failure_reason";

    public NpgsqlDataSource DataSource => dataSource;

    public async Task<long> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string personId, RoleDefinition role, string login, TimeSpan duration, string reason, ChatPlatform platform, DateTimeOffset now)
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO jit.access_requests (person_id, role_name, target, grant_name, login, duration_seconds, reason, status, platform, requested_at)
            VALUES (@person, @role, @target, @grant, @login, @duration, @reason, 'pending', @platform, @now)
            RETURNING id
            """, connection, transaction);
        command.Parameters.AddWithValue("person", personId);
        command.Parameters.AddWithValue("role", role.Name);
        command.Parameters.AddWithValue("target", role.Target);
        command.Parameters.AddWithValue("grant", role.Grant);
        command.Parameters.AddWithValue("login", login);
        command.Parameters.AddWithValue("duration", (int)duration.TotalSeconds);
        command.Parameters.AddWithValue("reason", reason);
        command.Parameters.AddWithValue("platform", PlatformName(platform));
        command.Parameters.AddWithValue("now", now);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Loads a request; with <paramref name="forUpdate"/> the row stays locked until the transaction ends.</summary>
    public async Task<AccessRequest?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long id, bool forUpdate)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM jit.access_requests WHERE id = @id{(forUpdate ? " FOR UPDATE" : string.Empty)}", connection, transaction);
        command.Parameters.AddWithValue("id", id);
        var rows = await ReadRequestsAsync(command);
        if (rows.Count == 0)
        {
            return null;
        }

        var decisions = await ReadDecisionsAsync(connection, transaction, [id]);
        var stepUps = await ReadStepUpsAsync(connection, transaction, [id]);
        return rows[0] with { Decisions = decisions.GetValueOrDefault(id, []), StepUps = stepUps.GetValueOrDefault(id, []) };
    }

    public async Task<AccessRequest?> FindAsync(long id)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await FindAsync(connection, null, id, forUpdate: false);
    }

    public async Task<IReadOnlyList<AccessRequest>> ListOpenForPersonAsync(string personId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM jit.access_requests WHERE person_id = @person AND status IN ('pending','approved','active') ORDER BY id", connection);
        command.Parameters.AddWithValue("person", personId);
        var rows = await ReadRequestsAsync(command);
        var ids = rows.Select(r => r.Id).ToArray();
        var decisions = await ReadDecisionsAsync(connection, null, ids);
        var stepUps = await ReadStepUpsAsync(connection, null, ids);
        return rows.Select(r => r with { Decisions = decisions.GetValueOrDefault(r.Id, []), StepUps = stepUps.GetValueOrDefault(r.Id, []) }).ToList();
    }

    public async Task InsertDecisionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long requestId, Decision decision)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO jit.decisions (request_id, approver_id, approved, decided_at, platform) VALUES (@id, @approver, @approved, @at, @platform)",
            connection, transaction);
        command.Parameters.AddWithValue("id", requestId);
        command.Parameters.AddWithValue("approver", decision.ApproverId);
        command.Parameters.AddWithValue("approved", decision.Approved);
        command.Parameters.AddWithValue("at", decision.At);
        command.Parameters.AddWithValue("platform", PlatformName(decision.Platform));
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Moves a locked request to <paramref name="to"/>; the lifecycle decides whether that move is allowed.</summary>
    public async Task MoveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AccessRequest request, RequestStatus to, StatusChange change)
    {
        RequestLifecycle.EnsureCanMove(request.Status, to);
        await using var command = new NpgsqlCommand(
            """
            UPDATE jit.access_requests
            SET status = @to,
                granted_at = coalesce(@granted_at, granted_at),
                ends_at = coalesce(@ends_at, ends_at),
                ended_at = coalesce(@ended_at, ended_at),
                ended_by = coalesce(@ended_by, ended_by),
                failure_reason = coalesce(@failure, failure_reason)
            WHERE id = @id AND status = @from
            """, connection, transaction);
        command.Parameters.AddWithValue("id", request.Id);
        command.Parameters.AddWithValue("from", RequestLifecycle.ToStorage(request.Status));
        command.Parameters.AddWithValue("to", RequestLifecycle.ToStorage(to));
        command.Parameters.Add(new NpgsqlParameter("granted_at", NpgsqlDbType.TimestampTz) { Value = (object?)change.GrantedAt ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("ends_at", NpgsqlDbType.TimestampTz) { Value = (object?)change.EndsAt ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("ended_at", NpgsqlDbType.TimestampTz) { Value = (object?)change.EndedAt ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("ended_by", NpgsqlDbType.Text) { Value = (object?)change.EndedBy ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("failure", NpgsqlDbType.Text) { Value = (object?)change.FailureReason ?? DBNull.Value });
        if (await command.ExecuteNonQueryAsync() != 1)
        {
            throw new InvalidOperationException($"Request {request.Id} was not in status {request.Status}; the caller must hold its lock.");
        }
    }

    public async Task<int> CountGrantAttemptAsync(long requestId)
    {
        await using var command = dataSource.CreateCommand("UPDATE jit.access_requests SET grant_attempts = grant_attempts + 1 WHERE id = @id RETURNING grant_attempts");
        command.Parameters.AddWithValue("id", requestId);
        return (int)(await command.ExecuteScalarAsync())!;
    }

    public async Task<IReadOnlyList<ChatMessageRef>> MessagesAsync(long requestId)
    {
        await using var command = dataSource.CreateCommand("SELECT platform, channel, message_id FROM jit.chat_messages WHERE request_id = @id");
        command.Parameters.AddWithValue("id", requestId);
        var result = new List<ChatMessageRef>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(new ChatMessageRef(ParsePlatform(reader.GetString(0)), reader.GetString(1), reader.GetString(2)));
        }

        return result;
    }

    /// <summary>Stores where a card was posted; returns false when one was already stored for that platform.</summary>
    public async Task<bool> SaveMessageAsync(long requestId, ChatMessageRef message)
    {
        await using var command = dataSource.CreateCommand("INSERT INTO jit.chat_messages (request_id, platform, channel, message_id) VALUES (@id, @platform, @channel, @message) ON CONFLICT DO NOTHING");
        command.Parameters.AddWithValue("id", requestId);
        command.Parameters.AddWithValue("platform", PlatformName(message.Platform));
        command.Parameters.AddWithValue("channel", message.Channel);
        command.Parameters.AddWithValue("message", message.MessageId);
        return await command.ExecuteNonQueryAsync() == 1;
    }

    public static string PlatformName(ChatPlatform platform) => platform.Name;

    public static ChatPlatform ParsePlatform(string value) => new(value);

    internal static async Task<List<AccessRequest>> ReadRequestsAsync(NpgsqlCommand command)
    {
        var result = new List<AccessRequest>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(new AccessRequest(
                Id: reader.GetInt64(0),
                PersonId: reader.GetString(1),
                RoleName: reader.GetString(2),
                Target: reader.GetString(3),
                Grant: reader.GetString(4),
                Login: reader.GetString(5),
                Duration: TimeSpan.FromSeconds(reader.GetInt32(6)),
                Reason: reader.GetString(7),
                Status: RequestLifecycle.FromStorage(reader.GetString(8)),
                Platform: ParsePlatform(reader.GetString(9)),
                RequestedAt: reader.GetFieldValue<DateTimeOffset>(10),
                Decisions: [],
                GrantedAt: reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11),
                EndsAt: reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12),
                EndedAt: reader.IsDBNull(13) ? null : reader.GetFieldValue<DateTimeOffset>(13),
                EndedBy: reader.IsDBNull(14) ? null : reader.GetString(14),
                FailureReason: reader.IsDBNull(15) ? null : reader.GetString(15)));
        }

        return result;
    }

    private static async Task<Dictionary<long, IReadOnlyList<Decision>>> ReadDecisionsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long[] ids)
    {
        var result = new Dictionary<long, IReadOnlyList<Decision>>();
        if (ids.Length == 0)
        {
            return result;
        }

        await using var command = new NpgsqlCommand("SELECT request_id, approver_id, approved, decided_at, platform FROM jit.decisions WHERE request_id = ANY(@ids) ORDER BY decided_at", connection, transaction);
        command.Parameters.AddWithValue("ids", ids);
        await using var reader = await command.ExecuteReaderAsync();
        var lists = new Dictionary<long, List<Decision>>();
        while (await reader.ReadAsync())
        {
            var id = reader.GetInt64(0);
            if (!lists.TryGetValue(id, out var list))
            {
                lists[id] = list = [];
            }

            list.Add(new Decision(reader.GetString(1), reader.GetBoolean(2), reader.GetFieldValue<DateTimeOffset>(3), ParsePlatform(reader.GetString(4))));
        }

        foreach (var (id, list) in lists)
        {
            result[id] = list;
        }

        return result;
    }

    private static async Task<Dictionary<long, IReadOnlyList<StepUpConfirmation>>> ReadStepUpsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long[] ids)
    {
        var result = new Dictionary<long, IReadOnlyList<StepUpConfirmation>>();
        if (ids.Length == 0)
        {
            return result;
        }

        await using var command = new NpgsqlCommand(
            "SELECT request_id, person_id, purpose, state, at, new_device, new_network FROM jit.stepup_confirmations WHERE request_id = ANY(@ids) ORDER BY at, person_id",
            connection, transaction);
        command.Parameters.AddWithValue("ids", ids);
        await using var reader = await command.ExecuteReaderAsync();
        var lists = new Dictionary<long, List<StepUpConfirmation>>();
        while (await reader.ReadAsync())
        {
            var id = reader.GetInt64(0);
            if (!lists.TryGetValue(id, out var list))
            {
                lists[id] = list = [];
            }

            list.Add(new StepUpConfirmation(
                reader.GetString(1),
                Enum.Parse<StepUpPurpose>(reader.GetString(2), ignoreCase: true),
                Enum.Parse<StepUpState>(reader.GetString(3), ignoreCase: true),
                reader.GetFieldValue<DateTimeOffset>(4),
                new StepUpRisk(reader.GetBoolean(5), reader.GetBoolean(6))));
        }

        foreach (var (id, list) in lists)
        {
            result[id] = list;
        }

        return result;
    }
}

/// <summary>The fields a status change may set alongside the status.</summary>
public sealed record StatusChange(
    DateTimeOffset? GrantedAt = null,
    DateTimeOffset? EndsAt = null,
    DateTimeOffset? EndedAt = null,
    string? EndedBy = null,
    string? FailureReason = null);

/// <summary>Where a request's card lives on one platform (Slack: channel and ts; Teams: conversation and activity id).</summary>
public sealed record ChatMessageRef(ChatPlatform Platform, string Channel, string MessageId);
