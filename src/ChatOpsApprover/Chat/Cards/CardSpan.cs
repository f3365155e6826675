namespace ChatOpsApprover.Chat.Cards;

/// <summary>One piece of <see cref="CardText"/>: words, or a person id (see <see cref="CardSpanKind"/>).</summary>
public sealed record CardSpan(CardSpanKind Kind, string Value)
{
    public static CardSpan Words(string text) => new(CardSpanKind.Words, text);

    public static CardSpan Person(string personId) => new(CardSpanKind.Person, personId);

    public static implicit operator CardSpan(string text) => Words(text);
}
