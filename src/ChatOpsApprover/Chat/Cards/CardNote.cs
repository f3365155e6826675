namespace ChatOpsApprover.Chat.Cards;

/// <summary>
/// A line under a card's facts, oldest first: decisions, step-up confirmations with their risk signals, and later
/// notes such as an escalation or an auto-approval by policy.
/// </summary>
public sealed record CardNote(CardText Text, CardTone Tone);
