namespace ChatOpsApprover.Grants;

/// <summary>The configured targets by name.</summary>
public sealed class GrantTargets(IReadOnlyDictionary<string, IGrantTarget> targets)
{
    public IReadOnlyCollection<string> Names => targets.Keys.ToArray();

    public IGrantTarget Get(string name) =>
        targets.TryGetValue(name, out var target) ? target : throw new InvalidOperationException($"Target \"{name}\" is not configured under Targets.");
}
