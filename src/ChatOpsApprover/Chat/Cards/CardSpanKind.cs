namespace ChatOpsApprover.Chat.Cards;

/// <summary>What a piece of card text is: words shown as they are, or a person each platform shows its own way.</summary>
public enum CardSpanKind
{
    /// <summary>Literal text; platforms escape it so it never becomes markup, a mention or a link.</summary>
    Words,

    /// <summary>A person, by their person id: Slack approval cards mention them, Teams and audit channels name them.</summary>
    Person,
}
