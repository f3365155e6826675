using System.Security.Cryptography;
using System.Xml;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// Readiness: the Data Protection key ring (TOTP secrets, device cookies, anti-forgery tokens) is readable. Every stored
/// key is read from the database and decrypted — an instance given another DataProtection:KeyEncryptionKey than the
/// one the ring was written with cannot open anyone's second factor — and then a probe payload is protected and
/// unprotected.
/// </summary>
public sealed class KeyRingCheck(IKeyManager keys, IDataProtectionProvider provider) : IHealthCheck
{
    public const string Name = "data-protection";
    private const string ProbePurpose = "ChatOpsApprover.Readiness.Probe";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        IReadOnlyCollection<IKey> stored;
        try
        {
            stored = keys.GetAllKeys();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("the key ring cannot be read (database unreachable)"));
        }

        foreach (var key in stored.Where(k => !k.IsRevoked))
        {
            try
            {
                // Decrypts the key's material (lazily, on first use).
                _ = key.Descriptor;
            }
            catch (Exception e) when (e is CryptographicException or InvalidOperationException or FormatException or XmlException)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy(
                    $"key {key.KeyId} of the key ring cannot be decrypted: is DataProtection:KeyEncryptionKey the one the key ring was written with?"));
            }
        }

        // Only now: a round trip may create the ring's first key, and must never add one beside keys it could not read.
        var protector = provider.CreateProtector(ProbePurpose);
        var probe = RandomNumberGenerator.GetBytes(16);
        try
        {
            return Task.FromResult(protector.Unprotect(protector.Protect(probe)).AsSpan().SequenceEqual(probe)
                ? HealthCheckResult.Healthy($"the key ring is readable ({stored.Count} {(stored.Count == 1 ? "key" : "keys")})")
                : HealthCheckResult.Unhealthy("a probe payload did not come back unchanged from Data Protection"));
        }
        catch (Exception e) when (e is CryptographicException or NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("a probe payload could not be protected and unprotected with the key ring"));
        }
    }
}
