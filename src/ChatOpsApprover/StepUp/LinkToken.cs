using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// The secret part of a link: 256 random bits, base64url. The database keeps only its SHA-256 hash, so a copy of the
/// database cannot be turned into working links.
/// </summary>
public static partial class LinkToken
{
    [GeneratedRegex("^[A-Za-z0-9_-]{43}$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();

    public static string New() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    public static bool IsWellFormed(string? token) => token is not null && Shape().IsMatch(token);

    public static byte[] Hash(string token) => SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(token));
}
