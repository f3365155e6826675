namespace ChatOpsApprover.Domain;

/// <summary>
/// Where a confirmation stands. Entered as <see cref="Waiting"/> when the person is asked; ends as <see cref="Verified"/>
/// (a valid code from an allowed device and network) or <see cref="Refused"/> (the role blocks risky step-ups).
/// Asking again while waiting keeps it <see cref="Waiting"/>.
/// </summary>
public enum StepUpState
{
    Waiting,
    Verified,
    Refused,
}
