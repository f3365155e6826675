namespace ChatOpsApprover.Domain;

/// <summary>
/// A request to keep active access <see cref="Duration"/> longer, tied to its request. <see cref="ApprovedBy"/> lists the
/// approvers who agreed so far (distinct people, never the requester). <see cref="AwaitingStepUp"/> lists who must still
/// confirm with their second factor before the extension can move the end: approvers whose approval counts only once
/// confirmed, and the requester when the role asks the requester to confirm (see <see cref="StepUpRules.ExtensionRequesterMustConfirm"/>).
/// </summary>
public sealed record AccessExtension(
    long Id,
    long RequestId,
    TimeSpan Duration,
    ExtensionStatus Status,
    ChatPlatform Platform,
    DateTimeOffset RequestedAt,
    IReadOnlyList<string> ApprovedBy,
    DateTimeOffset? DecidedAt,
    string? DecidedBy,
    string? Outcome,
    IReadOnlyList<string> AwaitingStepUp)
{
    /// <summary>Whether <paramref name="personId"/>'s confirmation with their second factor is still awaited on this pending extension.</summary>
    public bool AwaitsStepUpOf(string personId) => Status == ExtensionStatus.Pending && AwaitingStepUp.Contains(personId);
}
