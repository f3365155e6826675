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
        if (Command(memberships) is not { } command)
        {
            return;
        }

        await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { command } };
        await batch.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// The statement of <see cref="AcquireAsync(NpgsqlConnection, NpgsqlTransaction, string, IEnumerable{Membership})"/>,
    /// for a caller that sends it first in a batch of its own transaction (null when there is nothing to lock).
    /// </summary>
    public static NpgsqlBatchCommand? Command(string target, IEnumerable<Membership> memberships) => Command(memberships.Select(m => (target, m)));

    private static NpgsqlBatchCommand? Command(IEnumerable<(string Target, Membership Membership)> memberships)
    {
        var keys = memberships.Select(m => $"{m.Target}\u001f{m.Membership.Grant}\u001f{m.Membership.Login}").Distinct().Order(StringComparer.Ordinal).ToArray();
        if (keys.Length == 0)
        {
            return null;
        }

        var command = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest($1) WITH ORDINALITY AS t(k, n) ORDER BY n");
        command.Parameters.Add(new NpgsqlParameter { Value = keys });
        return command;
    }
}
