using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Requests;

/// <summary>
/// An approver's answer to one request, however it was given (a card's button, later a form). <see cref="ReplyChannel"/>
/// is where they answered: when the role asks approvers to confirm with their second factor, the link is shown to
/// them there (or sent by direct message without one). A denial must carry its <see cref="Reason"/>; an approval may
/// carry a shorter <see cref="Duration"/>, one of <see cref="ShorterDurations.Below"/> the request's.
/// </summary>
public sealed record DecisionInput(long RequestId, bool Approve, string? ReplyChannel = null, string? Reason = null, TimeSpan? Duration = null)
{
    /// <summary>As long as a request's reason may be.</summary>
    public const int MaxReasonLength = 500;
}
