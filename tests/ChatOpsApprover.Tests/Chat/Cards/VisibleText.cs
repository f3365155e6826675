using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ChatOpsApprover.Tests.Chat.Cards;

/// <summary>
/// What a person reads on a rendered card, one line per visible line, with the platform's structure stripped: Block
/// Kit blocks and mrkdwn markers, Slack mentions resolved to person ids, emoji icons dropped; Adaptive Card
/// RichTextBlocks joined from their TextRuns. Buttons read as "[Label]".
/// </summary>
public static partial class VisibleText
{
    [GeneratedRegex("<@(?<id>[A-Z0-9]+)>")]
    private static partial Regex Mention();

    [GeneratedRegex(@"^:[a-z_]+: ")]
    private static partial Regex LeadingEmoji();

    [GeneratedRegex(@"^\*(?<label>[^*]+)\*$")]
    private static partial Regex BoldLine();

    [GeneratedRegex(@"^\*(?<bold>[^*]+)\*")]
    private static partial Regex LeadingBold();

    [GeneratedRegex("^_(?<text>.*)_$")]
    private static partial Regex ItalicLine();

    /// <summary>Slack blocks (and the fallback text, if given, as "summary: …"); <paramref name="personOfSlackId"/> resolves a mention.</summary>
    public static List<string> OfSlack(JsonArray blocks, Func<string, string> personOfSlackId)
    {
        var lines = new List<string>();
        foreach (var block in blocks.Select(b => b!.AsObject()))
        {
            switch (block["type"]!.GetValue<string>())
            {
                case "header":
                    lines.Add(block["text"]!["text"]!.GetValue<string>());
                    break;
                case "section" when block["fields"] is JsonArray fields:
                    lines.AddRange(fields.SelectMany(f => OfMrkdwn(f!["text"]!.GetValue<string>(), personOfSlackId)));
                    break;
                case "section":
                    lines.AddRange(OfMrkdwn(block["text"]!["text"]!.GetValue<string>(), personOfSlackId));
                    break;
                case "context":
                    lines.AddRange(block["elements"]!.AsArray().SelectMany(e => OfMrkdwn(e!["text"]!.GetValue<string>(), personOfSlackId)));
                    break;
                case "actions":
                    lines.AddRange(block["elements"]!.AsArray().Select(e => e!["type"]!.GetValue<string>() == "static_select"
                        ? $"[{e["placeholder"]!["text"]!.GetValue<string>()} {string.Join(", ", e["options"]!.AsArray().Select(o => o!["text"]!["text"]!.GetValue<string>()))}]"
                        : $"[{e["text"]!["text"]!.GetValue<string>()}]"));
                    break;
                case var other:
                    throw new InvalidOperationException($"A block of type {other} is not expected on a card.");
            }
        }

        return lines;
    }

    /// <summary>
    /// One mrkdwn text as lines: "*Label*\nvalue" reads "Label: value"; a bold heading over a list stays a line of its
    /// own; italics around a whole line and a leading bold are markers, not text.
    /// </summary>
    public static List<string> OfMrkdwn(string mrkdwn, Func<string, string> personOfSlackId)
    {
        var text = Mention().Replace(mrkdwn, m => personOfSlackId(m.Groups["id"].Value))
            .Replace("&lt;", "<", StringComparison.Ordinal)
            .Replace("&gt;", ">", StringComparison.Ordinal)
            .Replace("&amp;", "&", StringComparison.Ordinal);
        var raw = text.Split('\n').Select(l => LeadingEmoji().Replace(l, string.Empty)).ToList();
        if (raw.Count == 2 && BoldLine().Match(raw[0]) is { Success: true } label && !raw[1].StartsWith("• ", StringComparison.Ordinal) && !ItalicLine().IsMatch(raw[1]))
        {
            return [$"{label.Groups["label"].Value}: {raw[1]}"];
        }

        return raw.Select(l => ItalicLine().Match(l) is { Success: true } italic ? italic.Groups["text"].Value : LeadingBold().Replace(l, "${bold}")).ToList();
    }

    /// <summary>
    /// An Adaptive Card's body, one line per RichTextBlock, and its buttons; a choice reads "[Label a, b]" as Slack's
    /// select does. Text inputs are left out: Slack asks for the same things elsewhere (a modal); tests look at them
    /// with <see cref="InputsOf"/>.
    /// </summary>
    public static List<string> OfAdaptiveCard(JsonObject card)
    {
        var lines = card["body"]!.AsArray()
            .Where(block => block!["type"]!.GetValue<string>() != "Input.Text")
            .Select(block =>
            {
                if (block!["type"]!.GetValue<string>() == "Input.ChoiceSet")
                {
                    return $"[{block["label"]!.GetValue<string>()} {string.Join(", ", block["choices"]!.AsArray().Select(c => c!["title"]!.GetValue<string>()))}]";
                }

                Assert.Equal("RichTextBlock", block["type"]!.GetValue<string>());
                return string.Concat(block["inlines"]!.AsArray().Select(run =>
                {
                    Assert.Equal("TextRun", run!["type"]!.GetValue<string>());
                    return run["text"]!.GetValue<string>();
                }));
            })
            .ToList();
        if (card["actions"] is JsonArray actions)
        {
            lines.AddRange(actions.Select(a => $"[{a!["title"]!.GetValue<string>()}]"));
        }

        return lines;
    }

    /// <summary>An Adaptive Card's inputs as "type id: label".</summary>
    public static List<string> InputsOf(JsonObject card) =>
        card["body"]!.AsArray()
            .Where(block => block!["type"]!.GetValue<string>().StartsWith("Input.", StringComparison.Ordinal))
            .Select(block => $"{block!["type"]!.GetValue<string>()} {block["id"]!.GetValue<string>()}: {block["label"]?.GetValue<string>()}")
            .ToList();
}
