namespace ChatOpsApprover.Grants;

/// <summary>
/// Access a drift check found at a target. <see cref="RequestId"/> is the request the target says it belongs to (a
/// binding's label, a webhook's answer), null where the target keeps none (a PostgreSQL membership, matched by
/// <see cref="Grant"/> and <see cref="Login"/>; <see cref="Receipt"/> then names who gave it). <see cref="Name"/>
/// identifies it in reports, the same on every check.
/// </summary>
public sealed record FoundAccess(long? RequestId, string Grant, string Login, string? Receipt, string Name);
