using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Configuration;

/// <summary>A role's policy rules as <see cref="RolePolicyReader"/> read them from its settings.</summary>
public sealed record RolePolicy(WorkingHours? Hours, OutsideHoursAction OutsideHours, AutoApproveLimits? AutoApproveLimits, RiskRules Risk);
