using System.Text.Json.Nodes;
using ChatOpsApprover.Chat.Cards;

namespace ChatOpsApprover.Chat.Teams;

/// <summary>
/// The Adaptive Card pieces Teams' cards are made of (version 1.5, the newest Teams renders). Every piece of text is a
/// RichTextBlock TextRun, which Teams renders literally (no Markdown), so user text cannot become a link or a mention;
/// people are shown by their person id.
/// </summary>
public static class AdaptiveCards
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";
    private const int MaxRunLength = 2_000;
    private const int MaxSummaryLength = 250;

    public static JsonObject Header(string title) => Line(Run(title, bold: true, size: "Medium"));

    /// <summary>One line per fact: "Label: value".</summary>
    public static IEnumerable<JsonObject> Facts(IEnumerable<CardFact> facts) =>
        facts.Select(f => Line(Run($"{f.Label}: ", bold: true), Run(f.Value.ToPlainText())));

    public static JsonObject Status(string status) => Line(Run("Status: ", bold: true), Run(status));

    public static JsonObject Line(params JsonNode[] runs) => new()
    {
        ["type"] = "RichTextBlock",
        ["inlines"] = new JsonArray(runs),
    };

    public static JsonObject Run(string text, bool bold = false, bool subtle = false, string? size = null, string? color = null)
    {
        var run = new JsonObject { ["type"] = "TextRun", ["text"] = Truncate(text, MaxRunLength) };
        if (bold)
        {
            run["weight"] = "Bolder";
        }

        if (subtle)
        {
            run["isSubtle"] = true;
        }

        if (size is not null)
        {
            run["size"] = size;
        }

        if (color is not null)
        {
            run["color"] = color;
        }

        return run;
    }

    /// <summary>The card itself, with its buttons when there are any.</summary>
    public static JsonObject Card(JsonArray body, JsonArray? actions = null)
    {
        var card = new JsonObject
        {
            ["type"] = "AdaptiveCard",
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["version"] = "1.5",
            ["body"] = body,
        };
        if (actions is not null)
        {
            card["actions"] = actions;
        }

        return card;
    }

    /// <summary>A message activity carrying the card, with a one-line summary for notifications.</summary>
    public static JsonObject Activity(JsonObject card, string summary) => new()
    {
        ["type"] = "message",
        ["summary"] = Truncate(summary, MaxSummaryLength),
        ["attachments"] = new JsonArray { new JsonObject { ["contentType"] = ContentType, ["content"] = card } },
    };

    public static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
