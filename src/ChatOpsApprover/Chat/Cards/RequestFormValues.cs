namespace ChatOpsApprover.Chat.Cards;

/// <summary>What was entered in the request form, as submitted: the role's name, the duration in seconds, the reason.</summary>
public sealed record RequestFormValues(string? Role, string? DurationSeconds, string? Reason);
