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

    /// <summary>The memberships' advisory locks.</summary>
    Lock,

    /// <summary>Which memberships another active request still needs.</summary>
    StillNeeded,

    /// <summary>The target's REVOKEs, their check and the closing of sessions.</summary>
    Target,

    /// <summary>The status move, sessions closed, extensions lapsed, clean-ups and retry times.</summary>
    Status,

    /// <summary>The audit entries' insert into the audit outbox.</summary>
    Audit,

    /// <summary>The chat notification job's insert into the job outbox.</summary>
    Jobs,

    /// <summary>The commit (one durable WAL flush).</summary>
    Commit,
}
