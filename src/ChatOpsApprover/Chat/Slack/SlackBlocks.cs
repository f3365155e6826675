using System.Text.Json.Nodes;
using ChatOpsApprover.Chat.Cards;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>The Block Kit pieces Slack's cards are made of, with Slack's length limits applied.</summary>
public static class SlackBlocks
{
    public const int SectionLimit = 3000;
    private const int HeaderLimit = 150;
    private const int FieldLimit = 2000;
    private const int FieldsPerSection = 10;

    public static JsonObject Header(string plainText) => new()
    {
        ["type"] = "header",
        ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Truncate(plainText, HeaderLimit) },
    };

    /// <summary>Short facts side by side as fields ("*Label*\nvalue"), each wide fact as a section of its own.</summary>
    public static IEnumerable<JsonObject> Facts(IEnumerable<CardFact> facts, Func<CardText, string> show)
    {
        var fields = new JsonArray();
        foreach (var fact in facts)
        {
            if ((fact.Wide || fields.Count == FieldsPerSection) && fields.Count > 0)
            {
                yield return Fields(fields);
                fields = [];
            }

            var mrkdwn = $"*{SlackText.Escape(fact.Label)}*\n{show(fact.Value)}";
            if (fact.Wide)
            {
                yield return Section(mrkdwn);
            }
            else
            {
                fields.Add(Mrkdwn(mrkdwn, FieldLimit));
            }
        }

        if (fields.Count > 0)
        {
            yield return Fields(fields);
        }
    }

    public static JsonObject Status(string status) => Section($"*Status:* {SlackText.Escape(status)}");

    public static JsonObject Section(string mrkdwn) => new()
    {
        ["type"] = "section",
        ["text"] = Mrkdwn(mrkdwn, SectionLimit),
    };

    public static JsonObject Context(string mrkdwn) => new()
    {
        ["type"] = "context",
        ["elements"] = new JsonArray { Mrkdwn(mrkdwn, FieldLimit) },
    };

    public static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static JsonObject Fields(JsonArray fields) => new() { ["type"] = "section", ["fields"] = fields };

    private static JsonObject Mrkdwn(string text, int limit) => new() { ["type"] = "mrkdwn", ["text"] = Truncate(text, limit) };
}
