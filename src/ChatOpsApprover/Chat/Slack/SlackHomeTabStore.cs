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

    /// <summary>
    /// Holds one user's Home tab lock, across instances, until disposed: who publishes under it reads the requests after
    /// every earlier publisher let go, so the last tab published is never older than the one before it.
    /// </summary>
    public async Task<IAsyncDisposable> LockAsync(string userId, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", connection, transaction);
            command.Parameters.AddWithValue("key", "slack-home-tab:" + userId);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return new HeldLock(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Ending the transaction lets go of the lock.</summary>
    private sealed class HeldLock(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
