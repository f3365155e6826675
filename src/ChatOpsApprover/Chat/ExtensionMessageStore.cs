using ChatOpsApprover.Storage;
using Npgsql;

namespace ChatOpsApprover.Chat;

/// <summary>Reads and writes jit.extension_messages: where each extension's approval card was posted, one per platform.</summary>
public sealed class ExtensionMessageStore(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<ChatMessageRef>> MessagesAsync(long extensionId)
    {
        await using var command = dataSource.CreateCommand("SELECT platform, channel, message_id FROM jit.extension_messages WHERE extension_id = @id");
        command.Parameters.AddWithValue("id", extensionId);
        var result = new List<ChatMessageRef>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(new ChatMessageRef(StoredPlatform.Parse(reader.GetString(0)), reader.GetString(1), reader.GetString(2)));
        }

        return result;
    }

    /// <summary>Stores where a card was posted; a second one for the same platform is ignored.</summary>
    public async Task SaveMessageAsync(long extensionId, ChatMessageRef message)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO jit.extension_messages (extension_id, platform, channel, message_id) VALUES (@id, @platform, @channel, @message) ON CONFLICT DO NOTHING");
        command.Parameters.AddWithValue("id", extensionId);
        command.Parameters.AddWithValue("platform", StoredPlatform.Name(message.Platform));
        command.Parameters.AddWithValue("channel", message.Channel);
        command.Parameters.AddWithValue("message", message.MessageId);
        await command.ExecuteNonQueryAsync();
    }
}
