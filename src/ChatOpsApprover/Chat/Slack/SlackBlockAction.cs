using System.Globalization;
using System.Text.Json;
using ChatOpsApprover.Chat.Cards;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>
/// A click on an approval card's button, read from a block_actions interaction payload. <see cref="TriggerId"/> lets
/// the bot open a modal for the clicker, for about 3 seconds. A pick in the "approve for less" select carries its
/// <see cref="Duration"/> (the option's value is "&lt;request id&gt;:&lt;seconds&gt;"), and so does a pick in the ending-soon
/// DM's Extend select. On an extension's card, <see cref="RequestId"/> is the extension's id.
/// </summary>
public sealed record SlackBlockAction(string UserId, string? ChannelId, string ActionId, long RequestId, string? TriggerId, TimeSpan? Duration = null)
{
    /// <summary>Reads the payload; false with a message saying what is wrong when it is not a click on Approve or Deny.</summary>
    public static bool TryRead(string payload, out SlackBlockAction action, out string error)
    {
        action = null!;
        error = "The interaction payload is not a block_actions payload with a jit_approve or jit_deny button.";
        if (string.IsNullOrEmpty(payload))
        {
            error = "The interaction has no payload field.";
            return false;
        }

        try
        {
            using var json = JsonDocument.Parse(payload);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.GetString() != "block_actions")
            {
                return false;
            }

            var userId = root.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.Object && user.TryGetProperty("id", out var id) ? id.GetString() : null;
            string? channelId = root.TryGetProperty("channel", out var channel) && channel.ValueKind == JsonValueKind.Object && channel.TryGetProperty("id", out var cid) ? cid.GetString() : null;
            if (channelId is null && root.TryGetProperty("container", out var container) && container.ValueKind == JsonValueKind.Object && container.TryGetProperty("channel_id", out var containerChannel))
            {
                channelId = containerChannel.GetString();
            }

            if (userId is null || !root.TryGetProperty("actions", out var actions) || actions.ValueKind != JsonValueKind.Array || actions.GetArrayLength() == 0)
            {
                return false;
            }

            var first = actions[0];
            var actionId = first.TryGetProperty("action_id", out var a) ? a.GetString() : null;
            var value = first.TryGetProperty("value", out var v) ? v.GetString() : null;
            TimeSpan? duration = null;
            if (actionId is SlackApprovalCard.ApproveForAction or EndingSoonNotice.ExtendId)
            {
                var picked = first.TryGetProperty("selected_option", out var option) && option.ValueKind == JsonValueKind.Object && option.TryGetProperty("value", out var ov) ? ov.GetString() : null;
                var parts = picked?.Split(':');
                if (parts is not { Length: 2 } || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds is <= 0 or > 366 * 86_400)
                {
                    return false;
                }

                value = parts[0];
                duration = TimeSpan.FromSeconds(seconds);
            }

            if (actionId is not (SlackApprovalCard.ApproveAction or SlackApprovalCard.ApproveForAction or SlackApprovalCard.DenyAction
                    or EndingSoonNotice.ExtendId or CardAction.ApproveExtensionId or CardAction.DenyExtensionId)
                || value is null
                || !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var requestId))
            {
                return false;
            }

            var triggerId = root.TryGetProperty("trigger_id", out var trigger) && trigger.ValueKind == JsonValueKind.String ? trigger.GetString() : null;
            action = new SlackBlockAction(userId, channelId, actionId, requestId, triggerId, duration);
            return true;
        }
        catch (JsonException)
        {
            error = "The interaction payload is not valid JSON.";
            return false;
        }
    }
}
