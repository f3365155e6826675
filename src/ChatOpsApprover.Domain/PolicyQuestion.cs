namespace ChatOpsApprover.Domain;

/// <summary>
/// What the policy rules look at for one request: who asks, for how long, when, and whether it is their first request
/// of the role (asked of the store before, since the domain reads nothing itself).
/// </summary>
public sealed record PolicyQuestion(string PersonId, TimeSpan Duration, DateTimeOffset At, bool FirstRequest);
