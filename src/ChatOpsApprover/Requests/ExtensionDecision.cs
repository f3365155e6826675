namespace ChatOpsApprover.Requests;

/// <summary>What an approver's answer to an extension did; each maps to one message (<see cref="RequestMessages.ForExtensionDecision"/>).</summary>
public enum ExtensionDecision
{
    /// <summary>Approved, but the role needs more approvals.</summary>
    Recorded,

    /// <summary>Approved: the end moved.</summary>
    Extended,
    Denied,

    /// <summary>Approved after the access ended (or it was ended meanwhile): refused, nothing resurrected.</summary>
    TooLate,

    /// <summary>Approved when the access no longer had room under MaxTotal: refused.</summary>
    OverLimit,
    AlreadyDecided,
    AlreadyVotedByYou,
    NotAnApprover,
    SelfApprovalRefused,
    UnknownPerson,
    NotFound,
}
