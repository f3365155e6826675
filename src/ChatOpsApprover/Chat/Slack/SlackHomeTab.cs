using System.Globalization;
using System.Text.Json.Nodes;
using ChatOpsApprover.Chat.Cards;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>
/// A <see cref="HomeView"/> as Slack's Home tab (views.publish, type "home"). Buttons carry the request id as their
/// value, and Approve / Deny the approval card's action ids, so a click here reaches the same handler as one on a card.
/// </summary>
public static class SlackHomeTab
{
    /// <summary>Slack refuses a view with more blocks than this.</summary>
    public const int MaxBlocks = 100;

    public static JsonObject Render(HomeView view, Func<string, string?> slackUserIdOf)
    {
        var blocks = new JsonArray { SlackBlocks.Header(view.Title), SlackBlocks.Section(SlackText.Escape(view.Intro)) };
        if (view.Actions.Count > 0)
        {
            blocks.Add(new JsonObject
            {
                ["type"] = "actions",
                ["block_id"] = "jit_home_actions",
                ["elements"] = new JsonArray([.. view.Actions.Select(a => Button(a, "home"))]),
            });
        }

        foreach (var section in view.Sections)
        {
            blocks.Add(new JsonObject { ["type"] = "divider" });
            blocks.Add(SlackBlocks.Section($"*{SlackText.Escape(section.Heading)}*"));
            if (section.Entries.Count == 0)
            {
                blocks.Add(SlackBlocks.Context(SlackText.Escape(section.Empty)));
            }

            foreach (var entry in section.Entries)
            {
                AddEntry(blocks, entry, slackUserIdOf);
            }

            if (section.More is not null)
            {
                blocks.Add(SlackBlocks.Context(SlackText.Escape(section.More)));
            }
        }

        return new JsonObject { ["type"] = "home", ["blocks"] = blocks };
    }

    private static void AddEntry(JsonArray blocks, HomeEntry entry, Func<string, string?> slackUserIdOf)
    {
        var id = entry.RequestId.ToString(CultureInfo.InvariantCulture);
        var text = SlackBlocks.Section(SlackText.Render(entry.Text, slackUserIdOf));
        text["block_id"] = $"jit_home_request_{id}";
        if (entry.Actions.Count == 1)
        {
            // One button fits beside the line, which keeps the tab within Slack's block limit.
            text["accessory"] = Button(entry.Actions[0], id);
            blocks.Add(text);
            return;
        }

        blocks.Add(text);
        if (entry.Actions.Count > 1)
        {
            blocks.Add(new JsonObject
            {
                ["type"] = "actions",
                ["block_id"] = $"jit_home_decision_{id}",
                ["elements"] = new JsonArray([.. entry.Actions.Select(a => Button(a, id))]),
            });
        }
    }

    private static JsonObject Button(HomeAction action, string value)
    {
        var button = new JsonObject
        {
            ["type"] = "button",
            ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = action.Label },
            ["action_id"] = action.Id,
            ["value"] = value,
        };
        if (Style(action.Kind) is { } style)
        {
            button["style"] = style;
        }

        if (action.Kind == HomeActionKind.Revoke)
        {
            // Ending access is one click away from a list: Slack asks once more before it sends the click.
            button["confirm"] = new JsonObject
            {
                ["title"] = PlainText("Revoke access?"),
                ["text"] = PlainText($"Access of request #{value} ends now, at the target too."),
                ["confirm"] = PlainText("Revoke"),
                ["deny"] = PlainText("Keep it"),
                ["style"] = "danger",
            };
        }

        return button;
    }

    private static string? Style(HomeActionKind kind) => kind switch
    {
        HomeActionKind.RequestAccess => "primary",
        HomeActionKind.Approve => "primary",
        HomeActionKind.Deny => "danger",
        HomeActionKind.Revoke => "danger",
    };

    private static JsonObject PlainText(string text) => new() { ["type"] = "plain_text", ["text"] = text };
}
