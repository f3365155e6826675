using System.Text.Json;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>
/// What Slack's Events API posts (over HTTP, or as an events_api envelope's payload): <see cref="Type"/> is
/// "url_verification" (with its <see cref="Challenge"/>) or "event_callback" (with <see cref="EventId"/>, Slack's key
/// for a delivery and its retries, and the inner event's type, user and, for app_home_opened, tab).
/// </summary>
public sealed record SlackEvent(string Type, string? Challenge, string? EventId, string? EventType, string? UserId, string? Tab)
{
    public const string UrlVerification = "url_verification";
    public const string EventCallback = "event_callback";

    /// <summary>Sent instead of events while the app is over its rate limit; there is nothing to do about it here.</summary>
    public const string AppRateLimited = "app_rate_limited";

    public const string AppHomeOpened = "app_home_opened";

    /// <summary>The event, or null with what is wrong.</summary>
    public static SlackEvent? TryRead(JsonElement root, out string? error)
    {
        error = null;
        if (root.ValueKind != JsonValueKind.Object || Str(root, "type") is not { } type)
        {
            error = "The Events API body is not a JSON object with a type.";
            return null;
        }

        var inner = root.TryGetProperty("event", out var e) && e.ValueKind == JsonValueKind.Object ? e : default;
        return new SlackEvent(type, Str(root, "challenge"), Str(root, "event_id"), Str(inner, "type"), Str(inner, "user"), Str(inner, "tab"));
    }

    public static SlackEvent? TryRead(byte[] json, out string? error)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return TryRead(document.RootElement, out error);
        }
        catch (JsonException)
        {
            error = "The Events API body is not valid JSON.";
            return null;
        }
    }

    private static string? Str(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
