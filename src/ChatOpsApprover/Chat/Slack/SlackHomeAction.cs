using System.Globalization;
using System.Text.Json;
using ChatOpsApprover.Chat.Cards;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>
/// A click on one of the Home tab's own buttons (block_actions): "Request access" (with the trigger_id to open the
/// request form with) or Revoke on an active request (<see cref="RequestId"/>). Approve and Deny on the Home tab are
/// the card's own actions and are read by <see cref="SlackBlockAction"/>.
/// </summary>
public sealed record SlackHomeAction(string UserId, string ActionId, long? RequestId, string? TriggerId)
{
    /// <summary>The click, or null when the payload is not a click on a Home tab button (or names no request where one is needed).</summary>
    public static SlackHomeAction? TryRead(string payload)
    {
        try
        {
            using var json = JsonDocument.Parse(payload);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Str(root, "type") != "block_actions"
                || !root.TryGetProperty("user", out var user) || Str(user, "id") is not { } userId
                || !root.TryGetProperty("actions", out var actions) || actions.ValueKind != JsonValueKind.Array || actions.GetArrayLength() == 0
                || Str(actions[0], "action_id") is not ({ } actionId and (HomeAction.RequestAccessId or HomeAction.RevokeId)))
            {
                return null;
            }

            long? requestId = null;
            if (actionId == HomeAction.RevokeId)
            {
                if (!long.TryParse(Str(actions[0], "value"), NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
                {
                    return null;
                }

                requestId = id;
            }

            return new SlackHomeAction(userId, actionId, requestId, Str(root, "trigger_id"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Str(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
