namespace ChatOpsApprover.Chat.Slack;

/// <summary>A Slack request's signature (or an event's or envelope's id) to claim, kept until it can no longer pass.</summary>
public sealed record SignatureClaim(string Key, DateTimeOffset ExpiresAt);
