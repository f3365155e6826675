using System.Security.Cryptography;
using System.Text;

namespace ChatOpsApprover.Configuration;

/// <summary>A bearer token an operator configured for an endpoint (the audit export, the metrics), checked in constant time.</summary>
public static class BearerToken
{
    private const string Scheme = "Bearer ";

    /// <summary>True when <paramref name="request"/> carries <paramref name="expected"/>; false when none is configured (fails closed).</summary>
    public static bool IsPresentedIn(HttpRequest request, string? expected)
    {
        var header = request.Headers.Authorization.ToString();
        return !string.IsNullOrEmpty(expected)
            && header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            && Matches(header[Scheme.Length..].Trim(), expected.Trim());
    }

    /// <summary>Compares hashes of the two, so neither the content nor the length leaks through timing.</summary>
    private static bool Matches(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
