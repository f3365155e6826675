using System.Globalization;
using System.Text.Json;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>
/// The request modal's view_submission: who, where to answer them (the channel the command was typed in, from
/// private_metadata; none from the shortcut), and what was picked and typed (null when left empty or malformed).
/// </summary>
public sealed record SlackRequestSubmission(string UserId, string? ChannelId, string? Role, TimeSpan? Duration, string? Reason)
{
    /// <summary>The submission, or null when the payload is not a view_submission of the request modal.</summary>
    public static SlackRequestSubmission? TryRead(string payload)
    {
        try
        {
            using var json = JsonDocument.Parse(payload);
            var root = json.RootElement;
            if (Str(root, "type") != "view_submission"
                || !root.TryGetProperty("view", out var view)
                || Str(view, "callback_id") != SlackRequestModal.CallbackId
                || !root.TryGetProperty("user", out var user) || Str(user, "id") is not { } userId)
            {
                return null;
            }

            var channel = ChannelOf(view);
            var (role, duration, reason) = ReadValues(view);
            return new SlackRequestSubmission(userId, channel, role, duration, reason);
        }
        catch (JsonException)
        {
            // Not JSON: the block_actions reader says so.
            return null;
        }
    }

    /// <summary>What the modal's inputs hold in <paramref name="view"/>.state.values (also sent with a pick in the modal).</summary>
    internal static (string? Role, TimeSpan? Duration, string? Reason) ReadValues(JsonElement view)
    {
        var values = view.ValueKind == JsonValueKind.Object && view.TryGetProperty("state", out var state) && state.ValueKind == JsonValueKind.Object
            && state.TryGetProperty("values", out var v) && v.ValueKind == JsonValueKind.Object
            ? v
            : default;
        var role = Selected(values, SlackRequestModal.RoleBlock, SlackRequestModal.RoleAction);
        var seconds = Selected(values, SlackRequestModal.DurationBlock, SlackRequestModal.DurationAction);
        TimeSpan? duration = long.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s is > 0 and <= 366 * 86_400 ? TimeSpan.FromSeconds(s) : null;
        var reason = Input(values, SlackRequestModal.ReasonBlock, SlackRequestModal.ReasonAction) is { } typed ? Str(typed, "value") : null;
        return (role, duration, reason);
    }

    /// <summary>The channel the form was opened from, kept in private_metadata; null from the shortcut.</summary>
    internal static string? ChannelOf(JsonElement view)
    {
        if (Str(view, "private_metadata") is not { Length: > 0 } metadata)
        {
            return null;
        }

        using var meta = JsonDocument.Parse(metadata);
        return Str(meta.RootElement, "channel");
    }

    private static string? Selected(JsonElement values, string block, string action) =>
        Input(values, block, action) is { } input && input.TryGetProperty("selected_option", out var option) ? Str(option, "value") : null;

    private static JsonElement? Input(JsonElement values, string block, string action) =>
        values.ValueKind == JsonValueKind.Object && values.TryGetProperty(block, out var b) && b.ValueKind == JsonValueKind.Object
        && b.TryGetProperty(action, out var input) && input.ValueKind == JsonValueKind.Object ? input : null;

    internal static string? Str(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
