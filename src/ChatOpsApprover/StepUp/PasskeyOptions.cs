namespace ChatOpsApprover.StepUp;

/// <summary>Settings under "StepUp:Passkeys".</summary>
public sealed class PasskeyOptions
{
    /// <summary>
    /// False (the default): any passkey or security key is accepted, with attestation "none" (the browser does not say
    /// which model it is). True, for regulated teams: registration asks for the authenticator's attestation and accepts
    /// only models listed in <see cref="AllowedAaguids"/>.
    /// </summary>
    public bool RequireAttestation { get; set; }

    /// <summary>The AAGUIDs (authenticator model ids, as GUIDs) accepted when <see cref="RequireAttestation"/> is true.</summary>
    public List<string> AllowedAaguids { get; set; } = [];

    /// <summary>The parsed <see cref="AllowedAaguids"/>; unreadable entries are left out (validation refuses them).</summary>
    public IReadOnlySet<Guid> Aaguids => AllowedAaguids.Select(a => Guid.TryParse(a, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty).ToHashSet();

    public IEnumerable<string> Validate()
    {
        for (var i = 0; i < AllowedAaguids.Count; i++)
        {
            if (!Guid.TryParse(AllowedAaguids[i], out var id) || id == Guid.Empty)
            {
                yield return $"StepUp:Passkeys:AllowedAaguids:{i}: \"{(AllowedAaguids[i].Length > 40 ? AllowedAaguids[i][..40] + "…" : AllowedAaguids[i])}\" is not an AAGUID; write it as a GUID such as cb69481e-8ff7-4039-93ec-0a2729a154a8.";
            }
        }

        if (RequireAttestation && AllowedAaguids.Count == 0)
        {
            yield return "StepUp:Passkeys:RequireAttestation: true needs the authenticator models to accept under StepUp:Passkeys:AllowedAaguids (their AAGUIDs); none are listed, so no passkey could ever be registered.";
        }
    }
}
