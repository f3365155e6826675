using Npgsql;

namespace ChatOpsApprover.Grants;

/// <summary>
/// Serialises grant and revoke of one membership across all instances (a transaction-scoped advisory lock in the
/// bot's database), so the end of one request can never cut access that an overlapping request still needs.
/// </summary>
public static class MembershipLock
{
    public static async Task AcquireAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string target, IEnumerable<Membership> memberships)
    {
        // Sorted, so two sweepers locking overlapping sets cannot deadlock.
        var keys = memberships.Select(m => $"{target}\u001f{m.Grant}\u001f{m.Login}").Distinct().Order(StringComparer.Ordinal).ToArray();
        if (keys.Length == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(@keys) WITH ORDINALITY AS t(k, n) ORDER BY n", connection, transaction);
        command.Parameters.AddWithValue("keys", keys);
        await command.ExecuteNonQueryAsync();
    }
}
