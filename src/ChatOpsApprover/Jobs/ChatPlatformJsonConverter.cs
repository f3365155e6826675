using ChatOpsApprover.Domain;
using Newtonsoft.Json;

namespace ChatOpsApprover.Jobs;

/// <summary>
/// Writes a <see cref="ChatPlatform"/> job argument as its key ("slack"), and reads what jobs queued by earlier versions
/// hold: ChatPlatform was an enum then, which Hangfire wrote as its number (and older releases of the app read names
/// case-insensitively, so they read the key too).
/// </summary>
public sealed class ChatPlatformJsonConverter : JsonConverter<ChatPlatform>
{
    /// <summary>The enum's members in order; frozen, since queued jobs hold these numbers.</summary>
    private static readonly string[] EnumNumbers = ["slack", "teams", "web", "system"];

    public override void WriteJson(JsonWriter writer, ChatPlatform value, JsonSerializer serializer) => writer.WriteValue(value.Name);

    public override ChatPlatform ReadJson(JsonReader reader, Type objectType, ChatPlatform existingValue, bool hasExistingValue, JsonSerializer serializer) =>
        reader.TokenType switch
        {
            JsonToken.String when reader.Value is string name && !string.IsNullOrWhiteSpace(name) => new ChatPlatform(name),
            JsonToken.Integer when Convert.ToInt64(reader.Value, System.Globalization.CultureInfo.InvariantCulture) is var number && number >= 0 && number < EnumNumbers.Length
                => new ChatPlatform(EnumNumbers[number]),
            _ => throw new JsonSerializationException($"A chat platform is a name such as \"slack\" or a number from 0 to {EnumNumbers.Length - 1}, not {reader.TokenType} {reader.Value}."),
        };
}
