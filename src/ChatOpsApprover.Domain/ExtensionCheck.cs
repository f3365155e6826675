namespace ChatOpsApprover.Domain;

/// <summary>What <see cref="ExtensionRules.Check"/> says about extending a request; each refusal maps to one message.</summary>
public enum ExtensionCheck
{
    /// <summary>The extension may be asked for (and, when the role requires it, waits for an approver).</summary>
    Allowed,

    /// <summary>The request does not exist or is someone else's: the same answer either way.</summary>
    NotYours,

    /// <summary>The role has no Extend settings.</summary>
    NotExtendable,

    /// <summary>The request is not active (still waiting, or over).</summary>
    NotActive,

    /// <summary>The window already ended (the revocation may still be on its way): access is never resurrected.</summary>
    Ended,

    /// <summary>The new end would be more than the role's Extend:MaxTotal after access started.</summary>
    OverLimit,
}
