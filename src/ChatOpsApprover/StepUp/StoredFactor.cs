namespace ChatOpsApprover.StepUp;

/// <summary>
/// A person's second factor: pending until enrollment confirms it with a first code, then active. With
/// StepUp:EnrollmentApproval = Admin an active factor also waits for an admin (<see cref="ApprovalId"/> set) before it
/// can confirm anything. <see cref="SecretProtected"/> is a Data Protection payload (<see cref="FactorSecrets"/>).
/// </summary>
/// <param name="Totp">Whether the authenticator app's secret was confirmed: false for a person who enrolled with a passkey.</param>
public sealed record StoredFactor(string PersonId, string SecretProtected, bool Active, long? LastUsedStep, bool Locked = false, Guid? ApprovalId = null, bool Totp = true)
{
    /// <summary>Confirmed by its person, but not yet approved by an admin: it cannot confirm a step-up.</summary>
    public bool AwaitsApproval => Active && ApprovalId is not null;
}
