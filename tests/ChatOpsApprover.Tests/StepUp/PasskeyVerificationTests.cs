using ChatOpsApprover.StepUp;
using Fido2NetLib;
using Fido2NetLib.Exceptions;
using Fido2NetLib.Objects;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Tests.StepUp;

/// <summary>
/// Fido2's verification as the bot calls it (<see cref="PasskeyRelyingParty"/>), against a stored passkey, with
/// answers that differ from a good one in one respect each.
/// </summary>
public sealed class PasskeyVerificationTests : IDisposable
{
    private const string Origin = "https://jit.example.test";

    private readonly SoftwareAuthenticator _authenticator = new();
    private readonly PasskeyRelyingParty _relyingParty = RelyingParty(Origin);

    private static PasskeyRelyingParty RelyingParty(string baseUrl, PasskeyOptions? passkeys = null) =>
        new(Options.Create(new StepUpOptions { PublicBaseUrl = baseUrl, Passkeys = passkeys ?? new PasskeyOptions() }), server: null!);

    private Task<Fido2NetLib.Objects.VerifyAssertionResult> VerifyAsync(AuthenticatorAssertionRawResponse response, AssertionOptions options, StoredPasskey stored) =>
        _relyingParty.VerifyAssertionAsync(response, options, stored, CancellationToken.None);

    [Fact]
    public async Task AnAssertion_ForThisChallengeAndOrigin_WithUserVerification_Verifies_AndCarriesTheNewCounter()
    {
        var stored = _authenticator.Stored("alice", storedCounter: 0);
        var options = _relyingParty.Assertion([stored]);
        Assert.Equal(UserVerificationRequirement.Required, options.UserVerification);
        Assert.Equal("jit.example.test", options.RpId);

        var result = await VerifyAsync(_authenticator.Assert(options, Origin), options, stored);
        Assert.Equal(stored.CredentialId, result.CredentialId);
        Assert.Equal(1u, result.SignCount);
    }

    [Theory]
    [InlineData(10u, 5u)]
    [InlineData(10u, 9u)]
    public async Task ACounterThatDoesNotGoForward_IsRefused_AsAPossibleClone(uint storedCounter, uint authenticatorCounterBefore)
    {
        var stored = _authenticator.Stored("alice", storedCounter);
        _authenticator.Counter = authenticatorCounterBefore;
        var options = _relyingParty.Assertion([stored]);

        var refused = await Assert.ThrowsAsync<Fido2VerificationException>(() => VerifyAsync(_authenticator.Assert(options, Origin), options, stored));
        Assert.Equal(Fido2ErrorCode.InvalidSignCount, refused.Code);
    }

    [Fact]
    public async Task AnAnswerToAnotherChallenge_IsRefused()
    {
        var stored = _authenticator.Stored("alice", 0);
        var options = _relyingParty.Assertion([stored]);
        var earlier = _relyingParty.Assertion([stored]);

        var refused = await Assert.ThrowsAsync<Fido2VerificationException>(() => VerifyAsync(_authenticator.Assert(options, Origin, challenge: earlier.Challenge), options, stored));
        Assert.Equal(Fido2ErrorCode.InvalidAuthenticatorResponseChallenge, refused.Code);
    }

    [Theory]
    [InlineData("https://jit.example.test.evil.example")]
    [InlineData("http://jit.example.test")]
    [InlineData("https://jit.example.test:8443")]
    public async Task AnAnswerMadeOnAnotherOrigin_IsRefused(string origin)
    {
        var stored = _authenticator.Stored("alice", 0);
        var options = _relyingParty.Assertion([stored]);

        var refused = await Assert.ThrowsAsync<Fido2VerificationException>(() => VerifyAsync(_authenticator.Assert(options, origin), options, stored));
        Assert.Equal(Fido2ErrorCode.InvalidAuthenticatorResponseOrigin, refused.Code);
    }

    [Fact]
    public async Task AnAnswerWithoutUserVerification_IsRefused()
    {
        var stored = _authenticator.Stored("alice", 0);
        var options = _relyingParty.Assertion([stored]);

        var refused = await Assert.ThrowsAsync<Fido2VerificationException>(() => VerifyAsync(_authenticator.Assert(options, Origin, userVerified: false), options, stored));
        Assert.Equal(Fido2ErrorCode.UserVerificationRequirementNotMet, refused.Code);
    }

    [Fact]
    public async Task AnAnswerForAnotherRelyingParty_IsRefused()
    {
        var stored = _authenticator.Stored("alice", 0);
        var options = _relyingParty.Assertion([stored]);

        var refused = await Assert.ThrowsAsync<Fido2VerificationException>(() => VerifyAsync(_authenticator.Assert(options, Origin, rpId: "evil.example"), options, stored));
        Assert.Equal(Fido2ErrorCode.InvalidRpidHash, refused.Code);
    }

    [Fact]
    public async Task AnAnswerSignedByAnotherKey_IsRefused()
    {
        using var other = new SoftwareAuthenticator();
        var stored = _authenticator.Stored("alice", 0) with { PublicKey = other.CosePublicKey() };
        var options = _relyingParty.Assertion([stored]);

        var refused = await Assert.ThrowsAsync<Fido2VerificationException>(() => VerifyAsync(_authenticator.Assert(options, Origin), options, stored));
        Assert.Equal(Fido2ErrorCode.InvalidSignature, refused.Code);
    }

    [Fact]
    public async Task AnAnswerCarryingAnotherPersonsUserHandle_IsRefused()
    {
        var stored = _authenticator.Stored("alice", 0) with { UserHandle = new byte[32] };
        var options = _relyingParty.Assertion([stored]);

        await Assert.ThrowsAsync<Fido2VerificationException>(() => VerifyAsync(_authenticator.Assert(options, Origin), options, stored));
    }

    [Fact]
    public async Task Registration_AsksForUserVerification_PrefersResidentKeys_WithoutAttestation_AndVerifies()
    {
        var options = _relyingParty.Registration("alice", _authenticator.UserHandle, []);
        Assert.Equal(UserVerificationRequirement.Required, options.AuthenticatorSelection.UserVerification);
        Assert.Equal(ResidentKeyRequirement.Preferred, options.AuthenticatorSelection.ResidentKey);
        Assert.Equal(AttestationConveyancePreference.None, options.Attestation);
        Assert.Equal("jit.example.test", options.Rp.Id);
        Assert.Equal(_authenticator.UserHandle, options.User.Id);

        var credential = await _relyingParty.VerifyRegistrationAsync(_authenticator.Register(options, Origin), options, (_, _) => Task.FromResult(true), CancellationToken.None);
        Assert.Equal(_authenticator.CredentialId, credential.Id);
        Assert.Equal(_authenticator.CosePublicKey(), credential.PublicKey);

        // Round trip through what the link keeps: the options as JSON.
        Assert.Equal(options.Challenge, CredentialCreateOptions.FromJson(options.ToJson()).Challenge);
    }

    [Fact]
    public async Task Registration_WithoutUserVerification_OrFromAnotherOrigin_IsRefused()
    {
        var options = _relyingParty.Registration("alice", _authenticator.UserHandle, []);
        var noUv = await Assert.ThrowsAsync<Fido2VerificationException>(() =>
            _relyingParty.VerifyRegistrationAsync(_authenticator.Register(options, Origin, userVerified: false), options, (_, _) => Task.FromResult(true), CancellationToken.None));
        Assert.Equal(Fido2ErrorCode.UserVerificationRequirementNotMet, noUv.Code);

        var elsewhere = await Assert.ThrowsAsync<Fido2VerificationException>(() =>
            _relyingParty.VerifyRegistrationAsync(_authenticator.Register(options, "https://evil.example"), options, (_, _) => Task.FromResult(true), CancellationToken.None));
        Assert.Equal(Fido2ErrorCode.InvalidAuthenticatorResponseOrigin, elsewhere.Code);
    }

    [Fact]
    public void RequireAttestation_AsksTheAuthenticatorForIt()
    {
        var options = RelyingParty(Origin, new PasskeyOptions { RequireAttestation = true, AllowedAaguids = ["cb69481e-8ff7-4039-93ec-0a2729a154a8"] })
            .Registration("alice", _authenticator.UserHandle, []);
        Assert.Equal(AttestationConveyancePreference.Direct, options.Attestation);
    }

    [Theory]
    [InlineData("https://jit.example.com", "https://jit.example.com/")]
    [InlineData("https://jit.example.com:8443/chatops", "https://jit.example.com:8443/")]
    [InlineData("http://localhost:5080", "http://localhost:5080/")]
    [InlineData("http://jit.localhost:5080", "http://jit.localhost:5080/")]
    [InlineData("http://127.0.0.1:5080", null)]
    [InlineData("https://10.0.0.5", null)]
    [InlineData("http://jit.example.com", null)]
    public void PasskeysWork_OnHttps_OrOnHttpAtLocalhost_NeverOnAnIpAddress(string baseUrl, string? origin) =>
        Assert.Equal(origin, StepUpOptions.PasskeyOrigin(new StepUpOptions { PublicBaseUrl = baseUrl }.BaseUri)?.ToString());

    [Fact]
    public void RequireAttestation_WithoutAllowedModels_OrWithAnUnreadableOne_IsAConfigurationError()
    {
        Assert.Contains(new StepUpOptions { Passkeys = new PasskeyOptions { RequireAttestation = true } }.Validate(),
            e => e.StartsWith("StepUp:Passkeys:RequireAttestation:", StringComparison.Ordinal));
        Assert.Contains(new StepUpOptions { Passkeys = new PasskeyOptions { RequireAttestation = true, AllowedAaguids = ["yubikey"] } }.Validate(),
            e => e.StartsWith("StepUp:Passkeys:AllowedAaguids:0: \"yubikey\" is not an AAGUID", StringComparison.Ordinal));
        Assert.Empty(new StepUpOptions { Passkeys = new PasskeyOptions { RequireAttestation = true, AllowedAaguids = ["cb69481e-8ff7-4039-93ec-0a2729a154a8"] } }.Validate());
    }

    [Theory]
    [InlineData("  YubiKey 5  ", "YubiKey 5")]
    [InlineData("", "passkey")]
    [InlineData("a\u0000b", "ab")]
    [InlineData("0123456789012345678901234567890123456789XYZ", "0123456789012345678901234567890123456789")]
    public void PasskeyNames_AreTidied(string typed, string stored) => Assert.Equal(stored, PasskeyVerifier.CleanName(typed));

    public void Dispose() => _authenticator.Dispose();
}
