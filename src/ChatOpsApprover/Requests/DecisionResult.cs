using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Requests;

/// <summary>What an approver's answer did (<see cref="DecideOnRequest"/>).</summary>
public sealed record DecisionResult(DecisionOutcome Outcome, long RequestId)
{
    /// <summary>The sentence for the approver, from <see cref="RequestMessages.ForDecision"/>.</summary>
    public string Message => RequestMessages.ForDecision(Outcome, RequestId);
}
