namespace ChatOpsApprover.Domain;

/// <summary>How the policy's requirements read in messages, on cards and in the audit log.</summary>
public static class PolicyWords
{
    public static string Of(RiskAction action) => action switch
    {
        RiskAction.ExtraApproval => "one more approval",
        RiskAction.ApproverStepUp => "approvers confirm with their second factor",
    };

    public static string Of(OutsideHoursAction action) => action switch
    {
        OutsideHoursAction.Refuse => "refused",
        OutsideHoursAction.ExtraApproval => "one more approval",
        OutsideHoursAction.ApproverStepUp => "approvers confirm with their second factor",
    };

    public static string Of(StepUpRiskAction action) => action switch
    {
        StepUpRiskAction.Mark => "marked",
        StepUpRiskAction.Review => "granted, marked for review",
        StepUpRiskAction.Block => "refused",
    };
}
