namespace ChatOpsApprover.StepUp;

/// <summary>Why a code entered on a link's page was not accepted. Each has its own page (<see cref="LinkPageViews.CodeRefused"/>).</summary>
public enum CodeRefusal
{
    /// <summary>Not six digits: not a guess, so nothing was counted.</summary>
    Malformed,

    /// <summary>Not the code for now; counted against the link (and, on a step-up, against the factor).</summary>
    Wrong,

    /// <summary>Right, but for a time step already used; counted like a wrong code.</summary>
    Replayed,

    /// <summary>This wrong code was the link's last allowed one: the link is locked.</summary>
    LinkLocked,

    /// <summary>This wrong code was the factor's last allowed one, across links: the factor is locked until an admin resets it.</summary>
    FactorLocked,
}
