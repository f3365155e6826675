namespace ChatOpsApprover.Requests;

/// <summary>
/// What <see cref="RequestAccess"/> did. <see cref="Refusal"/> says why policy refused (set only for
/// <see cref="RequestAccessOutcome.Refused"/>); otherwise the stored request's id, role and duration.
/// </summary>
public sealed record RequestAccessResult(RequestAccessOutcome Outcome, long RequestId, string RoleName, TimeSpan Duration, string? Refusal = null)
{
    public static RequestAccessResult Refused(string refusal) => new(RequestAccessOutcome.Refused, 0, string.Empty, TimeSpan.Zero, refusal);
}
