namespace ChatOpsApprover.Domain;

/// <summary>Who must prove, at the moment of the decision, that they hold their second factor.</summary>
public enum StepUpPolicy
{
    /// <summary>Nobody: approval alone starts access.</summary>
    None,

    /// <summary>The requester confirms after approval; the grant waits for their code. The default.</summary>
    Requester,

    /// <summary>Each approver's approval counts only once that approver confirms it.</summary>
    Approver,

    /// <summary>Approvers confirm their approvals, then the requester confirms before the grant.</summary>
    Both,
}
