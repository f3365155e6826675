namespace ChatOpsApprover.Domain;

/// <summary>What a risk signal known before approval (a long duration, a first request) asks for.</summary>
public enum RiskAction
{
    /// <summary>One more approval than the role usually needs.</summary>
    ExtraApproval,

    /// <summary>Approvers must confirm their approvals with their second factor.</summary>
    ApproverStepUp,
}
