using Microsoft.AspNetCore.DataProtection;

namespace ChatOpsApprover.StepUp;

/// <summary>Seals TOTP secrets with Data Protection, bound to the person, so a row copied to another person does not decrypt.</summary>
public sealed class FactorSecrets(IDataProtectionProvider provider)
{
    // The purpose string is part of every sealed secret: stored secrets open only with this exact one.
    private readonly IDataProtector _protector = provider.CreateProtector("ChatOpsApprover.Mfa.TotpSecret.v1");

    public string Protect(string personId, byte[] secret) =>
        Convert.ToBase64String(_protector.CreateProtector(personId).Protect(secret));

    public byte[] Unprotect(string personId, string protectedSecret) =>
        _protector.CreateProtector(personId).Unprotect(Convert.FromBase64String(protectedSecret));
}
