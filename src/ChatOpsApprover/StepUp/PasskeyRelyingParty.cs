using Fido2NetLib;
using Fido2NetLib.Objects;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// This bot as a WebAuthn relying party: its id is the host of StepUp:PublicBaseUrl (else of the listening address)
/// and the only origin it accepts is that URL's scheme, host and port. Makes the options a page hands the browser
/// (user verification required, resident keys preferred) and checks the browser's answer against them with Fido2.
/// Storing the options, using them once and letting them expire with their link are the callers'.
/// </summary>
public sealed class PasskeyRelyingParty(IOptions<StepUpOptions> options, IServer server)
{
    private IFido2? _fido2;

    /// <summary>The origin passkeys are bound to, or null when the bot's address cannot carry them (plain http other than localhost, an IP address).</summary>
    public Uri? Origin => StepUpOptions.PasskeyOrigin(options.Value.BaseUri ?? Listening());

    public bool Available => Origin is not null;

    private IFido2 Fido2 => _fido2 ??= Create(Origin ?? throw new InvalidOperationException("Passkeys need StepUp:PublicBaseUrl to be an https address (or http://localhost)."));

    /// <summary>A Fido2 verifier for one origin; the relying party id is its host.</summary>
    public static IFido2 Create(Uri origin) => new Fido2(new Fido2Configuration
    {
        RPID = origin.Host,
        RPName = "ChatOpsApprover",
        Origins = new HashSet<string> { origin.GetLeftPart(UriPartial.Authority) },
        ChallengeSize = 32,
        Timeout = 120_000,
    });

    /// <summary>Registration options for a new passkey of the person, excluding the ones they already have.</summary>
    public CredentialCreateOptions Registration(string personId, byte[] userHandle, IEnumerable<StoredPasskey> existing) => Fido2.RequestNewCredential(new RequestNewCredentialParams
    {
        User = new Fido2User { Id = userHandle, Name = personId, DisplayName = personId },
        ExcludeCredentials = existing.Select(p => new PublicKeyCredentialDescriptor(p.CredentialId)).ToList(),
        AuthenticatorSelection = new AuthenticatorSelection
        {
            ResidentKey = ResidentKeyRequirement.Preferred,
            UserVerification = UserVerificationRequirement.Required,
        },
        AttestationPreference = options.Value.Passkeys.RequireAttestation ? AttestationConveyancePreference.Direct : AttestationConveyancePreference.None,
    });

    /// <summary>Sign-in options naming the person's passkeys (so a security key without resident keys works too).</summary>
    public AssertionOptions Assertion(IEnumerable<StoredPasskey> passkeys) => Fido2.GetAssertionOptions(new GetAssertionOptionsParams
    {
        AllowedCredentials = passkeys.Select(p => new PublicKeyCredentialDescriptor(p.CredentialId)).ToList(),
        UserVerification = UserVerificationRequirement.Required,
    });

    /// <summary>Checks a registration against the options it answers; throws <see cref="Fido2VerificationException"/> when it fails.</summary>
    public Task<RegisteredPublicKeyCredential> VerifyRegistrationAsync(AuthenticatorAttestationRawResponse response, CredentialCreateOptions original, IsCredentialIdUniqueToUserAsyncDelegate isUnique, CancellationToken cancellationToken) =>
        Fido2.MakeNewCredentialAsync(new MakeNewCredentialParams { AttestationResponse = response, OriginalOptions = original, IsCredentialIdUniqueToUserCallback = isUnique }, cancellationToken);

    /// <summary>Checks an assertion against the options it answers and the stored passkey; throws <see cref="Fido2VerificationException"/> when it fails.</summary>
    public Task<VerifyAssertionResult> VerifyAssertionAsync(AuthenticatorAssertionRawResponse response, AssertionOptions original, StoredPasskey passkey, CancellationToken cancellationToken) =>
        Verify(Fido2, response, original, passkey, cancellationToken);

    /// <summary>The check itself, for any verifier (tests give their own origin).</summary>
    public static Task<VerifyAssertionResult> Verify(IFido2 fido2, AuthenticatorAssertionRawResponse response, AssertionOptions original, StoredPasskey passkey, CancellationToken cancellationToken) =>
        fido2.MakeAssertionAsync(new MakeAssertionParams
        {
            AssertionResponse = response,
            OriginalOptions = original,
            StoredPublicKey = passkey.PublicKey,
            StoredSignatureCounter = passkey.SignCount,
            IsUserHandleOwnerOfCredentialIdCallback = (p, _) => Task.FromResult(p.UserHandle.AsSpan().SequenceEqual(passkey.UserHandle) && p.CredentialId.AsSpan().SequenceEqual(passkey.CredentialId)),
        }, cancellationToken);

    private Uri? Listening() =>
        server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() is { } address && Uri.TryCreate(address, UriKind.Absolute, out var uri) ? uri : null;
}
