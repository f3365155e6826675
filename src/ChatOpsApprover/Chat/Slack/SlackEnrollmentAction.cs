using System.Text.Json;
using ChatOpsApprover.Audit;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>
/// A click on an enrollment's Approve or Refuse button in the audit channel, read from a block_actions payload; the
/// button's value is the enrollment's id (<see cref="AuditEventCard.EnrollmentToDecide"/>).
/// </summary>
public sealed record SlackEnrollmentAction(string UserId, string? ChannelId, bool Approve, Guid EnrollmentId)
{
    /// <summary>The click, or null when the payload is not a click on an enrollment button (other handlers read it then).</summary>
    public static SlackEnrollmentAction? TryRead(string payload)
    {
        if (string.IsNullOrEmpty(payload))
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(payload);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.GetString() != "block_actions"
                || !root.TryGetProperty("actions", out var actions) || actions.ValueKind != JsonValueKind.Array || actions.GetArrayLength() == 0
                || actions[0].ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var first = actions[0];
            var actionId = first.TryGetProperty("action_id", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
            if (actionId is not (AuditEventCard.ApproveEnrollmentId or AuditEventCard.RefuseEnrollmentId))
            {
                return null;
            }

            var userId = root.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.Object && user.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
            var channelId = root.TryGetProperty("channel", out var channel) && channel.ValueKind == JsonValueKind.Object && channel.TryGetProperty("id", out var cid) && cid.ValueKind == JsonValueKind.String ? cid.GetString() : null;
            var value = first.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

            // A click that names its button but not who clicked or which enrollment is malformed: answer it as a bad request.
            return userId is null || !Guid.TryParse(value, out var enrollment)
                ? new SlackEnrollmentAction(string.Empty, channelId, actionId == AuditEventCard.ApproveEnrollmentId, Guid.Empty)
                : new SlackEnrollmentAction(userId, channelId, actionId == AuditEventCard.ApproveEnrollmentId, enrollment);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public bool IsComplete => UserId.Length > 0 && EnrollmentId != Guid.Empty;
}
