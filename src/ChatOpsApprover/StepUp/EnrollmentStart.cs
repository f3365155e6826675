using System.Security.Cryptography;
using ChatOpsApprover.Domain;
using Npgsql;

namespace ChatOpsApprover.StepUp;

/// <summary>Starts an enrollment: a fresh pending TOTP secret and the link to the page that sets it up.</summary>
public sealed class EnrollmentStart(FactorStore factors, LinkIssuer links, FactorSecrets secrets, TimeProvider time)
{
    /// <summary>
    /// Creates a fresh pending secret (replacing an unconfirmed one, whose links stop working) and its link, inside the
    /// caller's transaction. Null when the person already has an active factor.
    /// </summary>
    public async Task<Uri?> StartAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Person person)
    {
        var existing = await factors.FindAsync(connection, transaction, person.Id, forUpdate: false);
        if (existing is { Active: true })
        {
            return null;
        }

        // Links before the factor: the same lock order as checking a code, so the two cannot deadlock. When the
        // factor turns out to be active after all, the caller's transaction is rolled back with the new link.
        var url = await links.IssueEnrollmentAsync(connection, transaction, person.Id);
        var secret = Totp.NewSecret();
        try
        {
            return await factors.SavePendingAsync(connection, transaction, person.Id, secrets.Protect(person.Id, secret), time.GetUtcNow()) ? url : null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }
}
