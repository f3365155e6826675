namespace ChatOpsApprover.Grants;

/// <summary>One disagreement a drift check found: <see cref="Key"/> names it the same on every check, so it is reported once.</summary>
public sealed record DriftFinding(DriftKind Kind, string Key, long? RequestId, string What);
