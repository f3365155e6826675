namespace ChatOpsApprover.Audit;

/// <summary>
/// Which entries a report covers: <see cref="Everything"/>, or those written by <see cref="Actor"/> or about one of
/// <see cref="RequestIds"/> (either may be null: no entry matches it).
/// </summary>
public sealed record AuditScope(string? Actor, IReadOnlyCollection<long>? RequestIds)
{
    public static readonly AuditScope Everything = new(null, null);

    public bool IsEverything => Actor is null && RequestIds is null;
}
