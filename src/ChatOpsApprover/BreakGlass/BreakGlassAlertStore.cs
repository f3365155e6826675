using ChatOpsApprover.Domain;
using ChatOpsApprover.Storage;
using Npgsql;

namespace ChatOpsApprover.BreakGlass;

/// <summary>The only place that reads or writes jit.break_glass_alerts: where each break-glass alert was already posted.</summary>
public sealed class BreakGlassAlertStore(NpgsqlDataSource dataSource)
{
    /// <summary>The (platform, channel) pairs the alert of this request was posted to.</summary>
    public async Task<HashSet<(ChatPlatform Platform, string Channel)>> PostedAsync(long requestId)
    {
        await using var command = dataSource.CreateCommand("SELECT platform, channel FROM jit.break_glass_alerts WHERE request_id = @id");
        command.Parameters.AddWithValue("id", requestId);
        var result = new HashSet<(ChatPlatform, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add((StoredPlatform.Parse(reader.GetString(0)), reader.GetString(1)));
        }

        return result;
    }

    /// <summary>Records that the alert went to <paramref name="channel"/> on <paramref name="platform"/> (once; a second record changes nothing).</summary>
    public async Task RecordAsync(long requestId, ChatPlatform platform, string channel, DateTimeOffset at)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO jit.break_glass_alerts (request_id, platform, channel, posted_at) VALUES (@id, @platform, @channel, @at) ON CONFLICT DO NOTHING");
        command.Parameters.AddWithValue("id", requestId);
        command.Parameters.AddWithValue("platform", StoredPlatform.Name(platform));
        command.Parameters.AddWithValue("channel", channel);
        command.Parameters.AddWithValue("at", at);
        await command.ExecuteNonQueryAsync();
    }
}
