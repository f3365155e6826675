using ChatOpsApprover.Domain;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// A stored link. <see cref="TokenHash"/> is SHA-256 of the token; the token itself is never stored. An enrollment link
/// has neither <see cref="Purpose"/> nor <see cref="RequestId"/>; a step-up link has both, and
/// <see cref="ExtensionId"/> when it confirms an extension of that request rather than the request itself.
/// </summary>
public sealed record StoredLink(
    byte[] TokenHash,
    string PersonId,
    StepUpPurpose? Purpose,
    long? RequestId,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? UsedAt,
    DateTimeOffset? SupersededAt,
    int FailedAttempts,
    DateTimeOffset? LockedAt,
    long? ExtensionId = null)
{
    public LinkKind Kind => Purpose is null ? LinkKind.Enrollment : LinkKind.StepUp;

    /// <summary>The step-up a step-up link confirms. Only ever asked of links opened on the step-up page.</summary>
    public (long RequestId, StepUpPurpose Purpose) StepUp => RequestId is { } requestId && Purpose is { } purpose
        ? (requestId, purpose)
        : throw new InvalidOperationException("An enrollment link confirms no step-up.");
}
