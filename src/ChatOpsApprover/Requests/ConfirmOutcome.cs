namespace ChatOpsApprover.Requests;

/// <summary>What "confirm &lt;id&gt;" did (<see cref="ConfirmCommand"/>); each maps to one reply in <see cref="RequestMessages"/>.</summary>
public enum ConfirmOutcome
{
    /// <summary>Something on the request waits for this person's code: a fresh link (or an enrollment link) was issued.</summary>
    LinkIssued,

    /// <summary>No such request, or one that is neither theirs nor asks them for a confirmation.</summary>
    NotFound,

    /// <summary>Their request (or one they were asked to confirm on), but nothing on it waits for them now.</summary>
    NotWaiting,
}
