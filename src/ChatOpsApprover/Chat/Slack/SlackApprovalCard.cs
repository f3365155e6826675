using System.Globalization;
using System.Text.Json.Nodes;
using ChatOpsApprover.Chat.Cards;
using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>The approval card in Block Kit: renders an <see cref="ApprovalCard"/>, with people as Slack mentions.</summary>
public static class SlackApprovalCard
{
    public const string ApproveAction = CardAction.ApproveId;
    public const string DenyAction = CardAction.DenyId;
    public const string ApproveForAction = CardAction.ApproveForId;

    /// <summary>The card as fallback text and blocks; <paramref name="slackUserIdOf"/> gives a person's Slack id, to mention them.</summary>
    public static (string Text, JsonArray Blocks) Render(ApprovalCard card, Func<string, string?> slackUserIdOf)
    {
        string Show(CardText text) => SlackText.Render(text, slackUserIdOf);

        var blocks = new JsonArray { SlackBlocks.Header(card.Title) };
        foreach (var block in SlackBlocks.Facts(card.Facts, Show))
        {
            blocks.Add(block);
        }

        foreach (var note in card.Notes)
        {
            blocks.Add(SlackBlocks.Context(Icon(note.Tone) is { } icon ? $"{icon} {Show(note.Text)}" : Show(note.Text)));
        }

        if (card.Actions.Count > 0)
        {
            var value = card.RequestId.ToString(CultureInfo.InvariantCulture);
            blocks.Add(new JsonObject
            {
                ["type"] = "actions",
                ["block_id"] = $"jit_decision_{value}",
                ["elements"] = new JsonArray([.. card.Actions.Select(a => Element(a, value))]),
            });
        }

        if (card.Status is not null)
        {
            blocks.Add(SlackBlocks.Status(card.Status));
        }

        if (card.Notice is not null)
        {
            blocks.Add(SlackBlocks.Context(SlackText.Escape(card.Notice)));
        }

        return (Show(card.Summary), blocks);
    }

    private static string? Icon(CardTone tone) => tone switch
    {
        CardTone.Neutral => null,
        CardTone.Waiting => ":hourglass_flowing_sand:",
        CardTone.Confirmed => ":closed_lock_with_key:",
        CardTone.Warning => ":warning:",
        CardTone.Refused => ":no_entry:",
    };

    private static JsonObject Element(CardAction action, string requestId) => action.Kind switch
    {
        CardActionKind.Approve => Button(action, requestId, "primary"),
        CardActionKind.Deny => Button(action, requestId, "danger"),
        CardActionKind.ApproveFor => ShorterSelect(action, requestId),
        CardActionKind.ApproveExtension => Button(action, requestId, "primary"),
        CardActionKind.DenyExtension => Button(action, requestId, "danger"),
    };

    private static JsonObject Button(CardAction action, string requestId, string style) => new()
    {
        ["type"] = "button",
        ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = action.Label },
        ["action_id"] = action.Id,
        ["value"] = requestId,
        ["style"] = style,
    };

    /// <summary>Picking a duration approves at once for it; each option's value is "&lt;request id&gt;:&lt;seconds&gt;".</summary>
    private static JsonObject ShorterSelect(CardAction action, string requestId) => new()
    {
        ["type"] = "static_select",
        ["action_id"] = action.Id,
        ["placeholder"] = new JsonObject { ["type"] = "plain_text", ["text"] = action.Label },
        ["options"] = new JsonArray([.. action.Choices.Select(d => new JsonObject
        {
            ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = DurationText.Format(d) },
            ["value"] = $"{requestId}:{(long)d.TotalSeconds}",
        })]),
    };
}
