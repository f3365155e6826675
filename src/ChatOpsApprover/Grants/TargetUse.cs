namespace ChatOpsApprover.Grants;

/// <summary>What configuration names at one target: the grants of the roles on it and the people's logins there.</summary>
public sealed record TargetUse(IReadOnlyCollection<string> Grants, IReadOnlyCollection<string> Logins);
