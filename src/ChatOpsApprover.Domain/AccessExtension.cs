namespace ChatOpsApprover.Domain;

/// <summary>
/// A request to keep active access <see cref="Duration"/> longer, tied to its request. <see cref="ApprovedBy"/> lists the
/// approvers who agreed so far (distinct people, never the requester).
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
    string? Outcome);
