namespace ChatOpsApprover.BreakGlass;

/// <summary>
/// What <see cref="UseBreakGlass"/> did: <see cref="Refusal"/> says why policy refused (nothing was stored); otherwise
/// the stored request's id, role and duration, approved by policy and waiting for the requester's second factor.
/// </summary>
public sealed record BreakGlassResult(long RequestId, string RoleName, TimeSpan Duration, string? Refusal = null)
{
    public static BreakGlassResult Refused(string refusal) => new(0, string.Empty, TimeSpan.Zero, refusal);
}
