namespace ChatOpsApprover.Domain;

/// <summary>One step-up: a person's confirmation with their second factor on one request, for one purpose. At most one per (person, purpose).</summary>
public sealed record StepUpConfirmation(string PersonId, StepUpPurpose Purpose, StepUpState State, DateTimeOffset At, StepUpRisk Risk);
