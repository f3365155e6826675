using Npgsql;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>jit.slack_home_tabs: who opened the bot's Home tab at least once, so a change republishes only their tabs.</summary>
public sealed class SlackHomeTabStore(NpgsqlDataSource dataSource)
{
    public async Task RememberAsync(string userId, DateTimeOffset openedAt, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO jit.slack_home_tabs (user_id, opened_at) VALUES (@user, @at) ON CONFLICT (user_id) DO UPDATE SET opened_at = excluded.opened_at");
        command.Parameters.AddWithValue("user", userId);
        command.Parameters.AddWithValue("at", openedAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Those of <paramref name="userIds"/> who opened the Home tab at least once.</summary>
    public async Task<IReadOnlyList<string>> OpenedAmongAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken)
    {
        if (userIds.Count == 0)
        {
            return [];
        }

        await using var command = dataSource.CreateCommand("SELECT user_id FROM jit.slack_home_tabs WHERE user_id = ANY(@users) ORDER BY user_id");
        command.Parameters.AddWithValue("users", userIds.ToArray());
        var opened = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            opened.Add(reader.GetString(0));
        }

        return opened;
    }
}
