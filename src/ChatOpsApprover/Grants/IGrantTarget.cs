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

/// <summary>The configured targets by name.</summary>
public sealed class GrantTargets(IReadOnlyDictionary<string, IGrantTarget> targets)
{
    public IGrantTarget Get(string name) =>
        targets.TryGetValue(name, out var target) ? target : throw new InvalidOperationException($"Target \"{name}\" is not configured under Targets.");
}
