namespace ChatOpsApprover.Grants;

/// <summary>Passes everything to a real target; tests and the benchmark override what they observe (see <see cref="GrantsSetup.DecorateTargets"/>).</summary>
public abstract class GrantTargetDecorator(IGrantTarget inner) : IGrantTarget
{
    public GrantSharing Sharing => inner.Sharing;

    public bool RevokeNamesApprovers => inner.RevokeNamesApprovers;

    public virtual Task<bool> HeldOutsideAsync(TargetGrant grant, CancellationToken cancellationToken) => inner.HeldOutsideAsync(grant, cancellationToken);

    public virtual Task<string?> GrantAsync(TargetGrant grant, CancellationToken cancellationToken) => inner.GrantAsync(grant, cancellationToken);

    public virtual Task<IReadOnlyList<RevokeResult>> RevokeAsync(IReadOnlyList<TargetGrant> grants, CancellationToken cancellationToken) => inner.RevokeAsync(grants, cancellationToken);

    public virtual Task<IReadOnlyList<FoundAccess>> CheckAsync(IReadOnlyList<TargetGrant> known, CancellationToken cancellationToken) => inner.CheckAsync(known, cancellationToken);
}
