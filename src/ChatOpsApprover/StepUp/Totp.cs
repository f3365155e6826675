using System.Globalization;
using OtpNet;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// TOTP as RFC 6238 defines it and authenticator apps expect: HMAC-SHA-1, 6 digits, 30-second steps, and a code from
/// one step before or after now still accepted, for clocks that drift. Which step matched is returned so a caller can
/// refuse a step that was already used.
/// </summary>
public static class Totp
{
    public const int StepSeconds = 30;
    public const int Digits = 6;
    public const string Issuer = "ChatOpsApprover";

    /// <summary>A new 160-bit secret (the length RFC 4226 recommends), from a cryptographic random source.</summary>
    public static byte[] NewSecret() => KeyGeneration.GenerateRandomKey(20);

    public static string ToBase32(byte[] secret) => Base32Encoding.ToString(secret).TrimEnd('=');

    public static string Compute(byte[] secret, DateTimeOffset at, int digits = Digits) =>
        new OtpNet.Totp(secret, StepSeconds, OtpHashMode.Sha1, digits).ComputeTotp(at.UtcDateTime);

    /// <summary>The time step a correct code belongs to (now, one before or one after), or null for a wrong code.</summary>
    public static long? Match(byte[] secret, string code, DateTimeOffset at, int digits = Digits)
    {
        if (!IsWellFormed(code, digits))
        {
            return null;
        }

        var totp = new OtpNet.Totp(secret, StepSeconds, OtpHashMode.Sha1, digits);
        return totp.VerifyTotp(at.UtcDateTime, code, out var step, new VerificationWindow(previous: 1, future: 1)) ? step : null;
    }

    /// <summary>
    /// Judges a code: right for now or one step either side, and for a step after <paramref name="lastUsedStep"/> (a
    /// code, once accepted, never is again; nor is any earlier one).
    /// </summary>
    public static CodeCheck Check(byte[] secret, string? code, DateTimeOffset at, long? lastUsedStep)
    {
        if (!IsWellFormed(code))
        {
            return new CodeCheck(CodeVerdict.Malformed, 0);
        }

        if (Match(secret, code!, at) is not { } step)
        {
            return new CodeCheck(CodeVerdict.Wrong, 0);
        }

        return lastUsedStep is { } last && step <= last ? new CodeCheck(CodeVerdict.Replayed, step) : new CodeCheck(CodeVerdict.Accepted, step);
    }

    /// <summary>Whether a link with this many wrong codes is locked.</summary>
    public static bool IsLockedAfter(int wrongCodes, int maxAttempts) => wrongCodes >= maxAttempts;

    public static bool IsWellFormed(string? code, int digits = Digits) =>
        code is not null && code.Length == digits && code.All(char.IsAsciiDigit);

    /// <summary>The otpauth:// URI authenticator apps read from the QR code (Google Authenticator's key URI format).</summary>
    public static string KeyUri(string account, byte[] secret)
    {
        var label = Uri.EscapeDataString(Issuer) + ":" + Uri.EscapeDataString(account);
        return string.Create(CultureInfo.InvariantCulture,
            $"otpauth://totp/{label}?secret={ToBase32(secret)}&issuer={Uri.EscapeDataString(Issuer)}&algorithm=SHA1&digits={Digits}&period={StepSeconds}");
    }
}
