namespace ChatOpsApprover.Sandbox;

/// <summary>Everything one render of the sandbox page needs.</summary>
/// <param name="AuditChannel">The audit channel's id (Audit:SlackChannel), shown beside the target.</param>
/// <param name="TokenField">The anti-forgery form field, and <paramref name="Token"/> its value.</param>
public sealed record SandboxPageModel(SandboxScene Scene, IReadOnlyList<RoleMembers> Members, string? AuditChannel, string TokenField, string Token);
