using System.Text.Json;

namespace ChatOpsApprover.Chat.Slack.SocketMode;

/// <summary>
/// One message Slack sends over a Socket Mode connection: an envelope (events_api, slash_commands, interactive) with
/// the id to acknowledge and the payload an HTTP request would have carried, or a control message (hello, disconnect).
/// </summary>
public sealed record SlackSocketEnvelope(string Type, string? EnvelopeId, JsonElement Payload, bool AcceptsResponsePayload, string? Reason)
{
    public const string Hello = "hello";
    public const string Disconnect = "disconnect";
    public const string SlashCommands = "slash_commands";
    public const string Interactive = "interactive";
    public const string EventsApi = "events_api";

    /// <summary>The message read from <paramref name="json"/>, or null (with why) when it is not one Slack sends.</summary>
    public static SlackSocketEnvelope? TryRead(string json, out string? error)
    {
        error = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                error = "a Socket Mode message without a type";
                return null;
            }

            var envelopeId = root.TryGetProperty("envelope_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
            var payload = root.TryGetProperty("payload", out var p) ? p.Clone() : default;
            var accepts = root.TryGetProperty("accepts_response_payload", out var a) && a.ValueKind == JsonValueKind.True;
            var reason = root.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            return new SlackSocketEnvelope(type.GetString()!, envelopeId, payload, accepts, reason);
        }
        catch (JsonException e)
        {
            error = $"a Socket Mode message that is not JSON ({e.Message})";
            return null;
        }
    }
}
