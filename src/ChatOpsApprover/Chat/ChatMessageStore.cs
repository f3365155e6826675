using ChatOpsApprover.Storage;
using Npgsql;

namespace ChatOpsApprover.Chat;

/// <summary>Reads and writes jit.chat_messages: where each request's approval card was posted, one per platform.</summary>
public sealed class ChatMessageStore(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<ChatMessageRef>> MessagesAsync(long requestId)
    {
        await using var command = dataSource.CreateCommand("SELECT platform, channel, message_id FROM jit.chat_messages WHERE request_id = @id");
        command.Parameters.AddWithValue("id", requestId);
        var result = new List<ChatMessageRef>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(new ChatMessageRef(StoredPlatform.Parse(reader.GetString(0)), reader.GetString(1), reader.GetString(2)));
        }

        return result;
    }

    /// <summary>Stores where a card was posted; returns false when one was already stored for that platform.</summary>
    public async Task<bool> SaveMessageAsync(long requestId, ChatMessageRef message)
    {
        await using var command = dataSource.CreateCommand("INSERT INTO jit.chat_messages (request_id, platform, channel, message_id) VALUES (@id, @platform, @channel, @message) ON CONFLICT DO NOTHING");
        command.Parameters.AddWithValue("id", requestId);
        command.Parameters.AddWithValue("platform", StoredPlatform.Name(message.Platform));
        command.Parameters.AddWithValue("channel", message.Channel);
        command.Parameters.AddWithValue("message", message.MessageId);
        return await command.ExecuteNonQueryAsync() == 1;
    }
}
