namespace ChatOpsApprover.Requests;

/// <summary>What <see cref="RequestAccess"/> did with a request; each maps to one reply in <see cref="RequestMessages"/>.</summary>
public enum RequestAccessOutcome
{
    /// <summary>Policy refused it; nothing was stored.</summary>
    Refused,

    /// <summary>Stored as pending; the approval cards are on their way.</summary>
    SentToApprovers,

    /// <summary>The role needs no approval: stored as approved and being granted.</summary>
    AutoApproved,

    /// <summary>The role needs no approval, but access waits for the requester's second factor (a link is on its way).</summary>
    AutoApprovedAwaitingSecondFactor,
}
