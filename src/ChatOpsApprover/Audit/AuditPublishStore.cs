using ChatOpsApprover.Chat;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Storage;
using Npgsql;

namespace ChatOpsApprover.Audit;

/// <summary>
/// The audit channel publisher's own store: jit.audit_publish_cursor (how far each platform has published) and
/// jit.audit_messages (each request's one message in the audit channel), and the lock that lets one instance
/// publish per platform at a time. Everything runs on the publisher's connection, which holds that lock.
/// </summary>
public sealed class AuditPublishStore(NpgsqlDataSource dataSource)
{
    public NpgsqlDataSource DataSource => dataSource;

    /// <summary>Takes the platform's publishing lock for this session; false when another instance holds it.</summary>
    public async Task<bool> TryLockAsync(NpgsqlConnection connection, ChatPlatform platform, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended(@name, 0))", connection);
        command.Parameters.AddWithValue("name", LockName(platform));
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    public async Task UnlockAsync(NpgsqlConnection connection, ChatPlatform platform)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended(@name, 0))", connection);
        command.Parameters.AddWithValue("name", LockName(platform));
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    /// <summary>Gives the platform a cursor at <paramref name="lastId"/> unless it has one; returns whether it was created.</summary>
    public async Task<bool> StartCursorAsync(NpgsqlConnection connection, ChatPlatform platform, long lastId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("INSERT INTO jit.audit_publish_cursor (platform, last_id) VALUES (@platform, @id) ON CONFLICT (platform) DO NOTHING", connection);
        command.Parameters.AddWithValue("platform", StoredPlatform.Name(platform));
        command.Parameters.AddWithValue("id", lastId);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>The id of the last entry published on the platform; null when it has no cursor yet.</summary>
    public async Task<long?> ReadCursorAsync(NpgsqlConnection connection, ChatPlatform platform, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT last_id FROM jit.audit_publish_cursor WHERE platform = @platform", connection);
        command.Parameters.AddWithValue("platform", StoredPlatform.Name(platform));
        return await command.ExecuteScalarAsync(cancellationToken) is long lastId ? lastId : null;
    }

    public async Task AdvanceCursorAsync(NpgsqlConnection connection, ChatPlatform platform, long lastId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("UPDATE jit.audit_publish_cursor SET last_id = @id WHERE platform = @platform", connection);
        command.Parameters.AddWithValue("id", lastId);
        command.Parameters.AddWithValue("platform", StoredPlatform.Name(platform));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The request's message in this audit channel, or null when none was posted yet.</summary>
    public async Task<ChatMessageRef?> FindMessageAsync(NpgsqlConnection connection, long requestId, ChatPlatform platform, string channel, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT message_id FROM jit.audit_messages WHERE request_id = @id AND platform = @platform AND channel = @channel", connection);
        command.Parameters.AddWithValue("id", requestId);
        command.Parameters.AddWithValue("platform", StoredPlatform.Name(platform));
        command.Parameters.AddWithValue("channel", channel);
        return await command.ExecuteScalarAsync(cancellationToken) is string messageId ? new ChatMessageRef(platform, channel, messageId) : null;
    }

    /// <summary>Remembers the request's message under the configured <paramref name="channel"/>, where <see cref="FindMessageAsync"/> looks.</summary>
    public async Task SaveMessageAsync(NpgsqlConnection connection, long requestId, ChatPlatform platform, string channel, string messageId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO jit.audit_messages (request_id, platform, channel, message_id) VALUES (@id, @platform, @channel, @message) ON CONFLICT DO NOTHING", connection);
        command.Parameters.AddWithValue("id", requestId);
        command.Parameters.AddWithValue("platform", StoredPlatform.Name(platform));
        command.Parameters.AddWithValue("channel", channel);
        command.Parameters.AddWithValue("message", messageId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string LockName(ChatPlatform platform) => $"jit.audit_publish:{StoredPlatform.Name(platform)}";
}
