using System.Text.Json;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>A global shortcut (type "shortcut"): who used it, which one, and the trigger_id to open a modal with. No channel.</summary>
public sealed record SlackShortcut(string UserId, string CallbackId, string TriggerId)
{
    /// <summary>The shortcut, or null when the payload is not a global shortcut.</summary>
    public static SlackShortcut? TryRead(string payload)
    {
        try
        {
            using var json = JsonDocument.Parse(payload);
            var root = json.RootElement;
            return root.ValueKind == JsonValueKind.Object && Str(root, "type") == "shortcut"
                && Str(root, "callback_id") is { } callbackId && Str(root, "trigger_id") is { } triggerId
                && root.TryGetProperty("user", out var user) && Str(user, "id") is { } userId
                ? new SlackShortcut(userId, callbackId, triggerId)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Str(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
