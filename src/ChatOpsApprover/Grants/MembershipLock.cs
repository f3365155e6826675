using Npgsql;

namespace ChatOpsApprover.Grants;

/// <summary>
/// Serialises grant and revoke of one membership across all instances (a transaction-scoped advisory lock in the
/// bot's database), so the end of one request can never cut access that an overlapping request still needs.
/// </summary>
public static class MembershipLock
{
    public static Task AcquireAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string target, IEnumerable<Membership> memberships) =>
        AcquireAsync(connection, transaction, memberships.Select(m => (target, m)));

    /// <summary>Locks memberships of any targets at once, in one sorted order, so two sweepers cannot deadlock.</summary>
    public static async Task AcquireAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<(string Target, Membership Membership)> memberships)
    {
        var keys = memberships.Select(m => $"{m.Target}\u001f{m.Membership.Grant}\u001f{m.Membership.Login}").Distinct().Order(StringComparer.Ordinal).ToArray();
        if (keys.Length == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(@keys) WITH ORDINALITY AS t(k, n) ORDER BY n", connection, transaction);
        command.Parameters.AddWithValue("keys", keys);
        await command.ExecuteNonQueryAsync();
    }
}
