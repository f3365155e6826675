namespace ChatOpsApprover.StepUp;

/// <summary>
/// The outcome of a code entered on a link's page: accepted for <see cref="Step"/> when <see cref="Refusal"/> is null;
/// otherwise why not, and how many wrong codes the link still takes.
/// </summary>
public readonly record struct CodeResult(CodeRefusal? Refusal, long Step, int AttemptsLeft)
{
    public static CodeResult Accepted(long step) => new(null, step, 0);

    public static CodeResult Refused(CodeRefusal refusal, int attemptsLeft = 0) => new(refusal, 0, attemptsLeft);
}
