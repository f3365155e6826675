namespace ChatOpsApprover.Grants;

/// <summary>A role on a target: its name, what it grants, and its whole Roles:&lt;name&gt; section, for settings the target's kind reads itself.</summary>
public sealed record TargetRole(string Name, string Grant, IConfiguration Settings);
