namespace ChatOpsApprover.Chat.Cards;

/// <summary>
/// Text on a card, as words and people. People stay person ids here; only a platform's renderer decides whether a
/// person becomes a mention or a plain name.
/// </summary>
public sealed record CardText(IReadOnlyList<CardSpan> Spans)
{
    public static CardText Plain(string text) => new([CardSpan.Words(text)]);

    public static CardText Of(params CardSpan[] spans) => new(spans);

    /// <summary>The text with every person as their person id: how it reads wherever nobody is mentioned.</summary>
    public string ToPlainText() => string.Concat(Spans.Select(s => s.Value));
}
