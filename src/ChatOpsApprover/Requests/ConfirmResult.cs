using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Requests;

/// <summary>
/// What <see cref="ConfirmCommand"/> did: <see cref="LinkMessage"/> is the message holding the new link (for
/// <see cref="ConfirmOutcome.LinkIssued"/>), <see cref="Request"/> the request as it stands (for
/// <see cref="ConfirmOutcome.NotWaiting"/>).
/// </summary>
public sealed record ConfirmResult(ConfirmOutcome Outcome, long RequestId, string? LinkMessage = null, AccessRequest? Request = null);
