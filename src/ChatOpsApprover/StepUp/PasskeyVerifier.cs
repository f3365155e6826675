using System.Globalization;
using System.Text.Json;
using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using Fido2NetLib;
using Fido2NetLib.Exceptions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// Checks a passkey's answer posted on a link's page, in the caller's transaction, which holds the link's and the
/// factor's locks. The options the page handed out are taken from the link first (used once, whatever the outcome);
/// Fido2 then checks challenge, origin, relying-party id hash, the user-verified flag, the signature and the counter.
/// A refused answer counts like a wrong code (<see cref="CodeVerifier.RefuseAsync"/>); a counter that went backwards is
/// also alerted.
/// </summary>
public sealed class PasskeyVerifier(
    LinkStore links,
    FactorStore factors,
    PasskeyStore passkeys,
    PasskeyRelyingParty relyingParty,
    CodeVerifier codes,
    AuditLog audit,
    IOptions<StepUpOptions> options,
    ILogger<PasskeyVerifier> logger)
{
    /// <summary>The longest name a passkey may have.</summary>
    public const int MaxNameLength = 40;

    /// <summary>Registers a new passkey for the link's person (an enrollment); it is stored when accepted.</summary>
    public async Task<(CodeResult Result, StoredPasskey? Passkey)> RegisterAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, StoredLink link, string? name, string? credentialJson, string address, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var stored = await links.TakeWebAuthnOptionsAsync(connection, transaction, link.TokenHash);
        var response = Parse<AuthenticatorAttestationRawResponse>(credentialJson);
        var handle = await factors.UserHandleAsync(connection, transaction, link.PersonId);
        if (stored is null || response is null || handle is null)
        {
            return (await RefuseAsync(connection, transaction, link, CodeRefusal.PasskeyRefused, stored is null ? "no challenge waiting" : "unreadable answer", address, now), null);
        }

        try
        {
            var original = CredentialCreateOptions.FromJson(stored);
            var credential = await relyingParty.VerifyRegistrationAsync(response, original,
                async (p, _) => await passkeys.FindAsync(connection, transaction, p.CredentialId, forUpdate: false) is null, cancellationToken);
            var required = options.Value.Passkeys;
            if (required.RequireAttestation && (credential.AttestationFormat == "none" || !required.Aaguids.Contains(credential.AaGuid)))
            {
                logger.LogWarning("A passkey of model {Aaguid} (attestation {Format}) was refused: StepUp:Passkeys:AllowedAaguids does not list it", credential.AaGuid, credential.AttestationFormat);
                return (CodeResult.Refused(CodeRefusal.PasskeyModelNotAllowed), null);
            }

            var passkey = new StoredPasskey(credential.Id, link.PersonId, CleanName(name), credential.PublicKey, credential.SignCount, handle, credential.AaGuid,
                (credential.Transports ?? []).Select(t => t.ToString().ToLowerInvariant()).ToList(), now, null);
            if (!await passkeys.InsertAsync(connection, transaction, passkey))
            {
                return (await RefuseAsync(connection, transaction, link, CodeRefusal.PasskeyRefused, "credential already registered", address, now), null);
            }

            return (CodeResult.Accepted(0), passkey);
        }
        catch (Fido2VerificationException e)
        {
            return (await RefuseAsync(connection, transaction, link, CodeRefusal.PasskeyRefused, e.Code.ToString(), address, now), null);
        }
    }

    /// <summary>Checks a sign-in with one of the link's person's passkeys (a step-up); its counter is kept when accepted.</summary>
    public async Task<(CodeResult Result, StoredPasskey? Passkey)> AssertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, StoredLink link, string? credentialJson, string address, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var stored = await links.TakeWebAuthnOptionsAsync(connection, transaction, link.TokenHash);
        var response = Parse<AuthenticatorAssertionRawResponse>(credentialJson);
        var passkey = response?.RawId is { Length: > 0 } id ? await passkeys.FindAsync(connection, transaction, id, forUpdate: true) : null;
        if (stored is null || response is null || passkey is null || passkey.PersonId != link.PersonId)
        {
            var why = stored is null ? "no challenge waiting" : response is null ? "unreadable answer" : "not one of the person's passkeys";
            return (await RefuseAsync(connection, transaction, link, CodeRefusal.PasskeyRefused, why, address, now), null);
        }

        try
        {
            var result = await relyingParty.VerifyAssertionAsync(response, AssertionOptions.FromJson(stored), passkey, cancellationToken);
            await passkeys.RecordUseAsync(connection, transaction, passkey.CredentialId, result.SignCount, now);
            await factors.ClearFailuresAsync(connection, transaction, link.PersonId);
            return (CodeResult.Accepted(0), passkey);
        }
        catch (Fido2VerificationException e) when (e.Code == Fido2ErrorCode.InvalidSignCount)
        {
            await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.MfaPasskeyCloneSuspected, link.RequestId, link.PersonId, ChatPlatform.Web, now, new Dictionary<string, string>
            {
                ["person"] = link.PersonId,
                ["passkey"] = passkey.Name,
                ["stored_counter"] = passkey.SignCount.ToString(CultureInfo.InvariantCulture),
                ["address"] = address,
            }));
            return (await RefuseAsync(connection, transaction, link, CodeRefusal.PasskeyCloneSuspected, e.Code.ToString(), address, now), null);
        }
        catch (Fido2VerificationException e)
        {
            return (await RefuseAsync(connection, transaction, link, CodeRefusal.PasskeyRefused, e.Code.ToString(), address, now), null);
        }
    }

    /// <summary>The name a person typed, tidied: trimmed, control characters dropped, at most <see cref="MaxNameLength"/> characters; "passkey" when empty.</summary>
    public static string CleanName(string? name)
    {
        var clean = new string((name ?? string.Empty).Where(c => !char.IsControl(c)).ToArray()).Trim();
        clean = clean.Length > MaxNameLength ? clean[..MaxNameLength].TrimEnd() : clean;
        return clean.Length == 0 ? "passkey" : clean;
    }

    private async Task<CodeResult> RefuseAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredLink link, CodeRefusal refusal, string why, string address, DateTimeOffset now)
    {
        logger.LogWarning("A passkey answer for {Person} was refused ({Why}); it counts as a failed confirmation", link.PersonId, why);
        return await codes.RefuseAsync(connection, transaction, link, link.PersonId, refusal, address, now);
    }

    private static T? Parse<T>(string? json)
        where T : class
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(json);
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }
}
