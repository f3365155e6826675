using System.Globalization;
using System.Text.Json.Nodes;
using ChatOpsApprover.Chat.Cards;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>The approval card in Block Kit: renders an <see cref="ApprovalCard"/>, with people as Slack mentions.</summary>
public static class SlackApprovalCard
{
    public const string ApproveAction = CardAction.ApproveId;
    public const string DenyAction = CardAction.DenyId;

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
                ["elements"] = new JsonArray([.. card.Actions.Select(a => Button(a, value))]),
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

    private static JsonObject Button(CardAction action, string requestId) => new()
    {
        ["type"] = "button",
        ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = action.Label },
        ["action_id"] = action.Id,
        ["value"] = requestId,
        ["style"] = action.Kind switch
        {
            CardActionKind.Approve => "primary",
            CardActionKind.Deny => "danger",
        },
    };
}
