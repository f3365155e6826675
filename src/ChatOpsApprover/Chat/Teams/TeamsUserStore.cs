using Npgsql;
using NpgsqlTypes;

namespace ChatOpsApprover.Chat.Teams;

/// <summary>How to reach a person on Teams, as learned from their own validated activities.</summary>
public sealed record TeamsUserRecord(string AadObjectId, string? TeamsUserId, string? TenantId, string? ServiceUrl, string? PersonalConversationId);

/// <summary>Teams-only state: where people are reachable, and which inbound activities were already handled.</summary>
public sealed class TeamsUserStore(NpgsqlDataSource dataSource)
{
    /// <summary>How long an activity id is remembered; the connector's retries come within seconds.</summary>
    public static readonly TimeSpan DeduplicationWindow = TimeSpan.FromDays(1);

    /// <summary>Claims an inbound activity; false when it was already handled (a retry).</summary>
    public async Task<bool> TryClaimActivityAsync(string conversationId, string activityId, DateTimeOffset now)
    {
        await using var batch = dataSource.CreateBatch();
        var prune = new NpgsqlBatchCommand("DELETE FROM jit.teams_inbound_activities WHERE received_at < @cutoff");
        prune.Parameters.AddWithValue("cutoff", now - DeduplicationWindow);
        var claim = new NpgsqlBatchCommand("INSERT INTO jit.teams_inbound_activities (conversation_id, activity_id, received_at) VALUES (@conversation, @activity, @now) ON CONFLICT DO NOTHING");
        claim.Parameters.AddWithValue("conversation", conversationId);
        claim.Parameters.AddWithValue("activity", activityId);
        claim.Parameters.AddWithValue("now", now);
        batch.BatchCommands.Add(prune);
        batch.BatchCommands.Add(claim);
        await batch.ExecuteNonQueryAsync();
        return claim.RecordsAffected == 1;
    }

    /// <summary>Forgets a claim whose handling failed, so the connector's retry is handled.</summary>
    public async Task ReleaseActivityAsync(string conversationId, string activityId)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM jit.teams_inbound_activities WHERE conversation_id = @conversation AND activity_id = @activity");
        command.Parameters.AddWithValue("conversation", conversationId);
        command.Parameters.AddWithValue("activity", activityId);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Records what a validated activity says about its sender; a personal conversation id is kept once known.</summary>
    public async Task RememberAsync(TeamsUserRecord user, DateTimeOffset now)
    {
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO jit.teams_users (aad_object_id, teams_user_id, tenant_id, service_url, personal_conversation_id, updated_at)
            VALUES (@aad, @user, @tenant, @service, @conversation, @now)
            ON CONFLICT (aad_object_id) DO UPDATE SET
                teams_user_id = coalesce(excluded.teams_user_id, jit.teams_users.teams_user_id),
                tenant_id = coalesce(excluded.tenant_id, jit.teams_users.tenant_id),
                service_url = coalesce(excluded.service_url, jit.teams_users.service_url),
                personal_conversation_id = coalesce(excluded.personal_conversation_id, jit.teams_users.personal_conversation_id),
                updated_at = excluded.updated_at
            """);
        command.Parameters.AddWithValue("aad", user.AadObjectId.ToLowerInvariant());
        command.Parameters.Add(Text("user", user.TeamsUserId));
        command.Parameters.Add(Text("tenant", user.TenantId));
        command.Parameters.Add(Text("service", user.ServiceUrl));
        command.Parameters.Add(Text("conversation", user.PersonalConversationId));
        command.Parameters.AddWithValue("now", now);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<TeamsUserRecord?> FindAsync(string aadObjectId)
    {
        await using var command = dataSource.CreateCommand("SELECT aad_object_id, teams_user_id, tenant_id, service_url, personal_conversation_id FROM jit.teams_users WHERE aad_object_id = @aad");
        command.Parameters.AddWithValue("aad", aadObjectId.ToLowerInvariant());
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return null;
        }

        string? Nullable(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        return new TeamsUserRecord(reader.GetString(0), Nullable(1), Nullable(2), Nullable(3), Nullable(4));
    }

    private static NpgsqlParameter Text(string name, string? value) => new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };
}
