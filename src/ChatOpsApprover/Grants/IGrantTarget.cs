namespace ChatOpsApprover.Grants;

/// <summary>A membership at a target: <see cref="Grant"/> given to <see cref="Login"/>.</summary>
public readonly record struct Membership(string Grant, string Login);

/// <summary>A system where access is given and taken. Both operations are idempotent: jobs run at least once.</summary>
public interface IGrantTarget
{
    Task GrantAsync(Membership membership, CancellationToken cancellationToken);

    /// <summary>Takes all memberships away in one unit of work (one round trip where the target allows).</summary>
    Task RevokeAsync(IReadOnlyCollection<Membership> memberships, CancellationToken cancellationToken);
}

/// <summary>Some memberships could not be revoked; the others were. <see cref="Failed"/> names the ones to retry.</summary>
public sealed class PartialRevocationException(IReadOnlyCollection<Membership> failed, Exception first)
    : Exception($"{failed.Count} membership(s) could not be revoked: {first.Message}", first)
{
    public IReadOnlyCollection<Membership> Failed { get; } = failed;
}

/// <summary>The configured targets by name.</summary>
public sealed class GrantTargets(IReadOnlyDictionary<string, IGrantTarget> targets)
{
    public IGrantTarget Get(string name) =>
        targets.TryGetValue(name, out var target) ? target : throw new InvalidOperationException($"Target \"{name}\" is not configured under Targets.");
}
