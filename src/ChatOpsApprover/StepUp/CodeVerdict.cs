namespace ChatOpsApprover.StepUp;

/// <summary>What a code is, judged against a factor's secret and its last used time step (<see cref="Totp.Check"/>).</summary>
public enum CodeVerdict
{
    /// <summary>Not six digits: not a guess, so not counted against the link.</summary>
    Malformed,
    Wrong,

    /// <summary>Right, but for a time step already used: refused and counted like a wrong code.</summary>
    Replayed,
    Accepted,
}
