namespace ChatOpsApprover.Domain;

/// <summary>What the policy rules decided about a request, with every rule that fired and why.</summary>
public abstract record PolicyVerdict(IReadOnlyList<PolicyRuleHit> Rules)
{
    /// <summary>A rule refuses the request; <see cref="Message"/> tells the person why and when they may ask again.</summary>
    public sealed record Refused(PolicyRuleHit Rule, string Message, IReadOnlyList<PolicyRuleHit> Rules) : PolicyVerdict(Rules);

    /// <summary>
    /// The request may be made: approved by policy at once (<see cref="AutoApproved"/>), or sent to approvers needing
    /// <see cref="ExtraApprovals"/> more approvals than the role's RequiredApprovals, each confirmed with the approver's
    /// second factor when <see cref="ApproverStepUp"/>.
    /// </summary>
    public sealed record Allowed(bool AutoApproved, int ExtraApprovals, bool ApproverStepUp, IReadOnlyList<PolicyRuleHit> Rules) : PolicyVerdict(Rules);
}
