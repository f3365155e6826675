using System.Text.Json;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>The deny modal's view_submission: who, which request (from private_metadata), where to answer them, and the reason typed.</summary>
public sealed record SlackDenySubmission(string UserId, long RequestId, string? ChannelId, string? Reason)
{
    /// <summary>The submission, or null when the payload is not a view_submission of the deny modal.</summary>
    public static SlackDenySubmission? TryRead(string payload)
    {
        try
        {
            using var json = JsonDocument.Parse(payload);
            var root = json.RootElement;
            if (Str(root, "type") != "view_submission"
                || !root.TryGetProperty("view", out var view)
                || Str(view, "callback_id") != SlackDenyModal.CallbackId
                || !root.TryGetProperty("user", out var user) || Str(user, "id") is not { } userId
                || Str(view, "private_metadata") is not { } metadata)
            {
                return null;
            }

            using var meta = JsonDocument.Parse(metadata);
            if (!meta.RootElement.TryGetProperty("requestId", out var id) || id.ValueKind != JsonValueKind.Number || !id.TryGetInt64(out var requestId) || requestId <= 0)
            {
                return null;
            }

            string? reason = null;
            if (view.TryGetProperty("state", out var state) && state.ValueKind == JsonValueKind.Object
                && state.TryGetProperty("values", out var values) && values.ValueKind == JsonValueKind.Object
                && values.TryGetProperty(SlackDenyModal.ReasonBlock, out var block) && block.ValueKind == JsonValueKind.Object
                && block.TryGetProperty(SlackDenyModal.ReasonAction, out var input))
            {
                // An empty input comes back as null.
                reason = Str(input, "value");
            }

            return new SlackDenySubmission(userId, requestId, Str(meta.RootElement, "channel"), reason);
        }
        catch (JsonException)
        {
            // Not JSON: the block_actions reader says so.
            return null;
        }
    }

    private static string? Str(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
