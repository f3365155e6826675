namespace ChatOpsApprover.Domain;

/// <summary>Why a person is asked for their second factor on a request.</summary>
public enum StepUpPurpose
{
    /// <summary>The requester confirms an approved request before the grant.</summary>
    Requester,

    /// <summary>An approver confirms their own approval before it counts.</summary>
    Approver,
}
