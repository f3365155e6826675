using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Requests;

/// <summary>
/// The outcome of asking for an extension, with what its message needs: the request (when it is the asker's), the role,
/// the extension id and, when one already waits, that extension (to say whom it waits for).
/// </summary>
public sealed record ExtendResult(ExtendOutcome Outcome, long RequestId, TimeSpan By, AccessRequest? Request = null, RoleDefinition? Role = null, long? ExtensionId = null, AccessExtension? Waiting = null);
