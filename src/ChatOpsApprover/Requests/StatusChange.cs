namespace ChatOpsApprover.Requests;

/// <summary>The fields a status change may set alongside the status.</summary>
public sealed record StatusChange(
    DateTimeOffset? GrantedAt = null,
    DateTimeOffset? EndsAt = null,
    DateTimeOffset? EndedAt = null,
    string? EndedBy = null,
    string? FailureReason = null,
    string? GrantReceipt = null,
    DateTimeOffset? EndReminderAt = null);
