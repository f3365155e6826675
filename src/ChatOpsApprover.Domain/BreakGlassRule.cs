namespace ChatOpsApprover.Domain;

/// <summary>
/// A role's break-glass setting (Roles:&lt;name&gt;:BreakGlass): in an emergency a person who may request the role takes it
/// at once, without an approver, for at most <see cref="MaxDuration"/>. Nothing else is relaxed: the requester always
/// confirms with their second factor, whatever the role's StepUp says, and every use waits for an approver's review.
/// </summary>
public sealed record BreakGlassRule(TimeSpan MaxDuration);
