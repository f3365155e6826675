namespace ChatOpsApprover.Grants;

/// <summary>
/// The steps of one revocation batch, in their order, as jit_revocation_step_seconds labels them (snake case): where a
/// burst's time goes. <see cref="Wake"/> is the scheduler's, not a batch's.
/// </summary>
public enum RevocationStep
{
    /// <summary>How late the scheduler's timer fired after the due time it slept until (its precision).</summary>
    Wake,

    /// <summary>From the earliest due time among a batch's rows to the batch's start: the scheduler's loop, and the batches before it.</summary>
    Wait,

    /// <summary>Opening the connection and claiming the due rows (FOR UPDATE SKIP LOCKED) with their decisions.</summary>
    Claim,

    /// <summary>The memberships' advisory locks (at a target whose memberships are shared, sent with <see cref="StillNeeded"/> and timed there).</summary>
    Lock,

    /// <summary>Which memberships another active request still needs, asked in one round trip after their locks.</summary>
    StillNeeded,

    /// <summary>The target's REVOKEs, their check and the closing of sessions.</summary>
    Target,

    /// <summary>The status move, sessions closed, extensions lapsed, clean-ups and retry times.</summary>
    Status,

    /// <summary>The audit entries' and the chat job's inserts into their outboxes, in one round trip.</summary>
    Audit,

    /// <summary>Building the chat notification job (its insert is sent with the audit entries).</summary>
    Jobs,

    /// <summary>The commit (one durable WAL flush).</summary>
    Commit,
}
