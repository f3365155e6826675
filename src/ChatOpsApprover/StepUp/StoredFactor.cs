namespace ChatOpsApprover.StepUp;

/// <summary>
/// A person's second factor: pending until enrollment confirms it with a first code, then active.
/// <see cref="SecretProtected"/> is a Data Protection payload (<see cref="FactorSecrets"/>).
/// </summary>
public sealed record StoredFactor(string PersonId, string SecretProtected, bool Active, long? LastUsedStep, bool Locked = false);
