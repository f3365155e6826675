namespace ChatOpsApprover.Domain;

/// <summary>One step-up: a person's confirmation with their second factor on one request, for one purpose. At most one per (person, purpose).</summary>
public sealed record StepUpConfirmation(string PersonId, StepUpPurpose Purpose, StepUpState State, DateTimeOffset At, StepUpRisk Risk)
{
    /// <summary>Which factor confirmed it ("totp", "passkey: YubiKey 5"); null while waiting, and for step-ups from before factors were named.</summary>
    public string? Factor { get; init; }
}
