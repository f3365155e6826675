namespace ChatOpsApprover.Requests;

/// <summary>What asking for an extension did; each maps to one message (<see cref="RequestMessages.ForExtend"/>).</summary>
public enum ExtendOutcome
{
    /// <summary>The role needs no approval: the end moved.</summary>
    Extended,

    /// <summary>The extension waits for the role's approvers; a card was posted.</summary>
    WaitingForApproval,

    /// <summary>
    /// The extension waits for the requester to confirm it with their second factor (a link was sent to them), and for
    /// the role's approvers when the role asks for approval.
    /// </summary>
    WaitingForYourStepUp,

    /// <summary>Another extension of this request already waits; nothing changed.</summary>
    AlreadyWaiting,
    NotYours,
    NotExtendable,
    NotActive,
    Ended,
    OverLimit,
    UnknownPerson,
}
