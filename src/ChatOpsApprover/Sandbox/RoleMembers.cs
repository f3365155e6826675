namespace ChatOpsApprover.Sandbox;

/// <summary>Who holds a configured role's grant at its target right now, or why that cannot be read.</summary>
public sealed record RoleMembers(string Role, string Target, string Grant, IReadOnlyList<TargetMember> Members, string? Problem = null);
