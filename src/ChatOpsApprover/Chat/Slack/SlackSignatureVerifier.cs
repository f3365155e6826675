using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>
/// Verifies Slack's request signature: v0= HMAC-SHA256 over "v0:{timestamp}:{raw body}", compared in constant time,
/// with the timestamp within the tolerance of now. Fails closed: without a signing secret nothing is accepted.
/// </summary>
public sealed class SlackSignatureVerifier(string signingSecret, TimeSpan tolerance, TimeProvider time)
{
    public bool IsValid(string? timestamp, string? signature, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(signingSecret) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
        {
            return false;
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }

        var age = time.GetUtcNow().ToUnixTimeSeconds() - seconds;
        if (Math.Abs(age) > tolerance.TotalSeconds)
        {
            return false;
        }

        var expected = Compute(signingSecret, timestamp, body);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature));
    }

    /// <summary>When a request signed at <paramref name="timestamp"/> (already checked by <see cref="IsValid"/>) stops passing the check.</summary>
    public DateTimeOffset ValidUntil(string timestamp) =>
        DateTimeOffset.FromUnixTimeSeconds(long.Parse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture)) + tolerance;

    public static string Compute(string signingSecret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"v0:{timestamp}:");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        var hash = HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingSecret), message);
        return "v0=" + Convert.ToHexStringLower(hash);
    }
}
