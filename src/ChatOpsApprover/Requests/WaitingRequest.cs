using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Requests;

/// <summary>
/// A pending request that waits for one approver's answer (<see cref="ListRequests.WaitingForAsync"/>), with a link to
/// its card (the asking platform's first, null when no platform can link to one) or, without a link, where the card is.
/// </summary>
public sealed record WaitingRequest(AccessRequest Request, Uri? CardLink, string? CardPlace);
