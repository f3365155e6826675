namespace ChatOpsApprover.Domain;

/// <summary>What a request made outside a role's <see cref="WorkingHours"/> needs (Roles:&lt;name&gt;:OutsideHours).</summary>
public enum OutsideHoursAction
{
    /// <summary>It is refused, with when the role can next be requested. The default: fails closed.</summary>
    Refuse,

    /// <summary>One more approval than the role usually needs.</summary>
    ExtraApproval,

    /// <summary>Approvers must confirm their approvals with their second factor.</summary>
    ApproverStepUp,
}
