using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ChatOpsApprover.StepUp;
using Fido2NetLib;
using Fido2NetLib.Objects;

namespace ChatOpsApprover.Tests.StepUp;

/// <summary>
/// A passkey in software, speaking WebAuthn's wire format as an authenticator and a browser would: an ES256 key pair,
/// a signature counter, attestation "none". Lets the tests hand Fido2 answers that differ from a good one in exactly
/// one respect (challenge, origin, flags, counter).
/// </summary>
public sealed class SoftwareAuthenticator : IDisposable
{
    private const byte UserPresent = 0x01;
    private const byte UserVerified = 0x04;
    private const byte AttestedCredentialData = 0x40;

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public byte[] CredentialId { get; } = RandomNumberGenerator.GetBytes(32);

    public byte[] UserHandle { get; } = RandomNumberGenerator.GetBytes(32);

    public uint Counter { get; set; }

    /// <summary>The public key as a COSE_Key (what Fido2 stores and checks signatures with).</summary>
    public byte[] CosePublicKey()
    {
        var parameters = _key.ExportParameters(false);
        var writer = new CborWriter(CborConformanceMode.Ctap2Canonical);
        writer.WriteStartMap(5);
        writer.WriteInt32(1);
        writer.WriteInt32(2); // kty: EC2
        writer.WriteInt32(3);
        writer.WriteInt32(-7); // alg: ES256
        writer.WriteInt32(-1);
        writer.WriteInt32(1); // crv: P-256
        writer.WriteInt32(-2);
        writer.WriteByteString(parameters.Q.X!);
        writer.WriteInt32(-3);
        writer.WriteByteString(parameters.Q.Y!);
        writer.WriteEndMap();
        return writer.Encode();
    }

    /// <summary>This passkey as the bot would have stored it after registration.</summary>
    public StoredPasskey Stored(string personId, uint storedCounter) =>
        new(CredentialId, personId, "Test key", CosePublicKey(), storedCounter, UserHandle, Guid.Empty, ["internal"], DateTimeOffset.UnixEpoch, null);

    /// <summary>An answer to <paramref name="options"/> as navigator.credentials.get would give it (toJSON), counter moved on first.</summary>
    public AuthenticatorAssertionRawResponse Assert(AssertionOptions options, string origin, bool userVerified = true, string? rpId = null, byte[]? challenge = null)
    {
        Counter++;
        var authenticatorData = AuthenticatorData(rpId ?? options.RpId!, (byte)(UserPresent | (userVerified ? UserVerified : 0)), Counter, attested: null);
        var clientData = ClientData("webauthn.get", challenge ?? options.Challenge, origin);
        var signature = _key.SignData([.. authenticatorData, .. SHA256.HashData(clientData)], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return JsonSerializer.Deserialize<AuthenticatorAssertionRawResponse>(Json(new
        {
            id = Base64Url(CredentialId),
            rawId = Base64Url(CredentialId),
            type = "public-key",
            response = new
            {
                clientDataJSON = Base64Url(clientData),
                authenticatorData = Base64Url(authenticatorData),
                signature = Base64Url(signature),
                userHandle = Base64Url(UserHandle),
            },
            clientExtensionResults = new { },
        }))!;
    }

    /// <summary>A registration answering <paramref name="options"/> as navigator.credentials.create would give it, attestation "none".</summary>
    public AuthenticatorAttestationRawResponse Register(CredentialCreateOptions options, string origin, bool userVerified = true)
    {
        var attested = new List<byte>();
        attested.AddRange(new byte[16]); // AAGUID: none
        attested.Add((byte)(CredentialId.Length >> 8));
        attested.Add((byte)CredentialId.Length);
        attested.AddRange(CredentialId);
        attested.AddRange(CosePublicKey());
        var authenticatorData = AuthenticatorData(options.Rp.Id, (byte)(UserPresent | AttestedCredentialData | (userVerified ? UserVerified : 0)), Counter, [.. attested]);
        var writer = new CborWriter(CborConformanceMode.Ctap2Canonical);
        writer.WriteStartMap(3);
        writer.WriteTextString("fmt");
        writer.WriteTextString("none");
        writer.WriteTextString("attStmt");
        writer.WriteStartMap(0);
        writer.WriteEndMap();
        writer.WriteTextString("authData");
        writer.WriteByteString(authenticatorData);
        writer.WriteEndMap();
        return JsonSerializer.Deserialize<AuthenticatorAttestationRawResponse>(Json(new
        {
            id = Base64Url(CredentialId),
            rawId = Base64Url(CredentialId),
            type = "public-key",
            response = new
            {
                clientDataJSON = Base64Url(ClientData("webauthn.create", options.Challenge, origin)),
                attestationObject = Base64Url(writer.Encode()),
                transports = new[] { "internal" },
            },
            clientExtensionResults = new { },
        }))!;
    }

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] AuthenticatorData(string rpId, byte flags, uint counter, byte[]? attested)
    {
        var data = new List<byte>(SHA256.HashData(Encoding.UTF8.GetBytes(rpId))) { flags, (byte)(counter >> 24), (byte)(counter >> 16), (byte)(counter >> 8), (byte)counter };
        data.AddRange(attested ?? []);
        return [.. data];
    }

    private static byte[] ClientData(string type, byte[] challenge, string origin) =>
        Encoding.UTF8.GetBytes(Json(new { type, challenge = Base64Url(challenge), origin, crossOrigin = false }));

    private static string Json(object value) => JsonSerializer.Serialize(value);

    public void Dispose() => _key.Dispose();
}
