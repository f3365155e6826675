namespace ChatOpsApprover.StepUp;

/// <summary>
/// A passkey or security key of a person (a WebAuthn credential): its public key, the signature counter last seen,
/// and the name the person gave it ("MacBook Touch ID"). The private key never leaves the authenticator.
/// </summary>
public sealed record StoredPasskey(
    byte[] CredentialId,
    string PersonId,
    string Name,
    byte[] PublicKey,
    uint SignCount,
    byte[] UserHandle,
    Guid Aaguid,
    IReadOnlyList<string> Transports,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt)
{
    /// <summary>How the audit trail and the card name the factor: "passkey: YubiKey 5".</summary>
    public string FactorLabel => "passkey: " + Name;
}
