using System.Text.Json;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>
/// A role picked in the open request modal (a block_actions from the view: its role input dispatches actions), so the
/// durations can be narrowed to that role's maximum with views.update. Carries what the modal held at that moment.
/// </summary>
public sealed record SlackRequestRolePick(string UserId, string ViewId, string? Hash, string Role, string? ChannelId, TimeSpan? Duration, string? Reason)
{
    /// <summary>The pick, or null when the payload is not a role pick in the request modal.</summary>
    public static SlackRequestRolePick? TryRead(string payload)
    {
        try
        {
            using var json = JsonDocument.Parse(payload);
            var root = json.RootElement;
            if (SlackRequestSubmission.Str(root, "type") != "block_actions"
                || !root.TryGetProperty("view", out var view) || SlackRequestSubmission.Str(view, "callback_id") != SlackRequestModal.CallbackId
                || SlackRequestSubmission.Str(view, "id") is not { } viewId
                || !root.TryGetProperty("user", out var user) || SlackRequestSubmission.Str(user, "id") is not { } userId
                || !root.TryGetProperty("actions", out var actions) || actions.ValueKind != JsonValueKind.Array || actions.GetArrayLength() == 0
                || SlackRequestSubmission.Str(actions[0], "action_id") != SlackRequestModal.RoleAction
                || !actions[0].TryGetProperty("selected_option", out var option) || SlackRequestSubmission.Str(option, "value") is not { } role)
            {
                return null;
            }

            var (_, duration, reason) = SlackRequestSubmission.ReadValues(view);
            return new SlackRequestRolePick(userId, viewId, SlackRequestSubmission.Str(view, "hash"), role, SlackRequestSubmission.ChannelOf(view), duration, reason);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
