namespace ChatOpsApprover.Requests;

/// <summary>What an approver's answer to an extension did; each maps to one message (<see cref="RequestMessages.ForExtensionDecision"/>).</summary>
public enum ExtensionDecision
{
    /// <summary>Approved, but the role needs more approvals.</summary>
    Recorded,

    /// <summary>
    /// Approved, but the role asks approvers to confirm: the approval counts once this approver confirms it with their
    /// second factor (a link was sent to them).
    /// </summary>
    StepUpRequired,

    /// <summary>The approvals are complete; the extension waits for the requester to confirm it with their second factor.</summary>
    AwaitingRequester,

    /// <summary>Approved: the end moved.</summary>
    Extended,
    Denied,

    /// <summary>Approved after the access ended (or it was ended meanwhile): refused, nothing resurrected.</summary>
    TooLate,

    /// <summary>Approved when the access no longer had room under MaxTotal: refused.</summary>
    OverLimit,
    /// <summary>The access ended (expired or revoked) while the extension waited: it lapsed; nothing changed.</summary>
    Lapsed,
    AlreadyDecided,
    AlreadyVotedByYou,
    NotAnApprover,
    SelfApprovalRefused,
    UnknownPerson,
    NotFound,
}
