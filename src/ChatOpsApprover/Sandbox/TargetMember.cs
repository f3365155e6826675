namespace ChatOpsApprover.Sandbox;

/// <summary>A login that holds a role at its target, and the configured person whose login it is (null: nobody configured).</summary>
public sealed record TargetMember(string Login, string? PersonId);
