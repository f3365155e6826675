namespace ChatOpsApprover.Grants;

/// <summary>For kinds of target whose roles need nothing but Target and Grant.</summary>
public sealed class NoRoleSettings;
