namespace ChatOpsApprover.Domain;

/// <summary>
/// Where auto-approval applies (the object form of Roles:&lt;name&gt;:AutoApprove): only for the people
/// <see cref="For"/> names (entries as approvers; null: anyone who may request), only inside the role's hours
/// (<see cref="OnlyInHours"/>) and only up to <see cref="MaxDuration"/>. Outside them the role's normal approval applies.
/// </summary>
public sealed record AutoApproveLimits(IReadOnlyList<string>? For, bool OnlyInHours, TimeSpan? MaxDuration);
