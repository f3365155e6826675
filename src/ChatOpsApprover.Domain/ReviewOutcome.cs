namespace ChatOpsApprover.Domain;

/// <summary>What "jit review &lt;id&gt; &lt;note&gt;" did with a break-glass use; each maps to one reply.</summary>
public enum ReviewOutcome
{
    /// <summary>The review is closed with the note (audited).</summary>
    Reviewed,

    /// <summary>The request was not made with break-glass: there is nothing to review.</summary>
    NotBreakGlass,

    /// <summary>Someone already reviewed it; nothing changed.</summary>
    AlreadyReviewed,

    /// <summary>The person who used break-glass cannot review their own use.</summary>
    OwnUseRefused,

    /// <summary>A person whose own step-up was marked for review cannot close that review.</summary>
    OwnStepUpRefused,

    /// <summary>Only an approver of the role may review (the requester may see the request, but not review it).</summary>
    NotAnApprover,

    /// <summary>No such request, or not one the person may see: the same words either way.</summary>
    NotFound,
}
