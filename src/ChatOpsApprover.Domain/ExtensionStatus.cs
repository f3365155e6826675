namespace ChatOpsApprover.Domain;

/// <summary>
/// Where an extension stands. Entered as <see cref="Pending"/> when the role's approvers must agree (at most one per
/// request); a role that needs no approval records it as <see cref="Approved"/> at once. From Pending: Approved (the
/// end moved), <see cref="Denied"/> (an approver said no) or <see cref="Refused"/> (when approved, the access had
/// ended, or no longer had room under MaxTotal: nothing changed) or <see cref="Lapsed"/> (the access ended — expired
/// or revoked — while it waited: closed by the revocation, in its transaction). All but Pending are final.
/// </summary>
public enum ExtensionStatus
{
    Pending,
    Approved,
    Denied,
    Refused,
    Lapsed,
}
