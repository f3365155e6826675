namespace ChatOpsApprover.Chat.Cards;

/// <summary>One request on a home view: a line about it and the buttons that act on it (<paramref name="RequestId"/>).</summary>
public sealed record HomeEntry(long RequestId, CardText Text, IReadOnlyList<HomeAction> Actions);
