using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ChatOpsApprover.Grants.Webhook;

/// <summary>How a webhook call is signed: X-ChatOps-Signature is "v0=" and the hex HMAC-SHA256 of "v0:{timestamp}:{body}" with the target's secret.</summary>
public static class WebhookSignature
{
    public const string TimestampHeader = "X-ChatOps-Request-Timestamp";
    public const string SignatureHeader = "X-ChatOps-Signature";
    public const string IdempotencyHeader = "Idempotency-Key";

    public static string Compute(string secret, long timestamp, string body)
    {
        var signed = Encoding.UTF8.GetBytes($"v0:{timestamp.ToString(CultureInfo.InvariantCulture)}:{body}");
        return "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }
}
