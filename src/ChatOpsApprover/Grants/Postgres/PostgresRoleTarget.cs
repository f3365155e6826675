using System.Text;
using ChatOpsApprover.Storage;
using Npgsql;

namespace ChatOpsApprover.Grants.Postgres;

/// <summary>
/// Grants PostgreSQL role membership: GRANT role TO login / REVOKE role FROM login, with both names quoted. A
/// membership serves every request of its login, and may predate the bot or be made standing by someone else while a
/// request holds it: what PostgreSQL records as given by another grantor than the bot's grant is never revoked. A
/// revoke is checked in pg_auth_members (on PostgreSQL 16 and later a REVOKE by another grantor only warns) and ends the
/// login's sessions, so a session that did SET ROLE, or inherited the rights, loses them with the membership.
/// </summary>
public sealed class PostgresRoleTarget(NpgsqlDataSource dataSource, bool terminateSessions, IReadOnlyList<string> grants) : IGrantTarget
{
    /// <summary>Direct memberships, the only kind GRANT makes and REVOKE takes, by name, with who granted each.</summary>
    private const string DirectMemberships =
        """
        SELECT g.rolname AS grant_name, m.rolname AS login, gr.rolname AS grantor
        FROM pg_auth_members a
        JOIN pg_roles g ON g.oid = a.roleid
        JOIN pg_roles m ON m.oid = a.member
        LEFT JOIN pg_roles gr ON gr.oid = a.grantor
        """;

    /// <summary>
    /// The direct memberships of a batch x(grant_name, login, …), found through the catalogs' unique indexes (names, then
    /// role and member): a batch of thousands costs one index probe each, not a scan of every membership each.
    /// </summary>
    private const string BatchMemberships =
        """
        JOIN pg_roles g ON g.rolname = x.grant_name
        JOIN pg_roles m ON m.rolname = x.login
        JOIN pg_auth_members a ON a.roleid = g.oid AND a.member = m.oid
        LEFT JOIN pg_roles gr ON gr.oid = a.grantor
        """;

    public GrantSharing Sharing => GrantSharing.Membership;

    /// <summary>A REVOKE names the role and the login only.</summary>
    public bool RevokeNamesApprovers => false;

    public async Task<bool> HeldOutsideAsync(TargetGrant grant, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT EXISTS (SELECT 1 FROM (SELECT $1::text AS grant_name, $2::text AS login) x {BatchMemberships})");
        command.Parameters.Add(new NpgsqlParameter { Value = grant.Grant });
        command.Parameters.Add(new NpgsqlParameter { Value = grant.Login });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Grants and returns the grantor PostgreSQL recorded: at revoke time, a membership from any other grantor is someone else's.</summary>
    public async Task<string?> GrantAsync(TargetGrant grant, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"GRANT {SqlIdentifier.Quote(grant.Grant)} TO {SqlIdentifier.Quote(grant.Login)}"));

        // PostgreSQL 16 and later keep one membership per grantor, and record a superuser's grant as the bootstrap superuser's.
        var grantor = new NpgsqlBatchCommand(
            $"""
            SELECT gr.rolname FROM (SELECT $1::text AS grant_name, $2::text AS login) x {BatchMemberships}
            ORDER BY gr.rolname = current_user DESC, a.grantor = 10 DESC
            LIMIT 1
            """);
        grantor.Parameters.Add(new NpgsqlParameter { Value = grant.Grant });
        grantor.Parameters.Add(new NpgsqlParameter { Value = grant.Login });
        batch.BatchCommands.Add(grantor);
        return await ReadGrantorAsync(batch, cancellationToken);
    }

    public async Task<IReadOnlyList<RevokeResult>> RevokeAsync(IReadOnlyList<TargetGrant> grants, CancellationToken cancellationToken)
    {
        var results = new RevokeResult?[grants.Count];
        foreach (var (index, grantors) in await GrantedByOthersAsync(grants, cancellationToken))
        {
            results[index] = RevokeResult.Kept($"held outside the bot: granted by {grantors}");
        }

        var toRevoke = Enumerable.Range(0, grants.Count).Where(i => results[i] is null).ToList();
        foreach (var (index, error) in await RevokeMembershipsAsync(toRevoke.Select(i => (i, grants[i].Membership)).ToList(), cancellationToken))
        {
            results[index] = RevokeResult.Failed(error);
        }

        var revoked = toRevoke.Where(i => results[i] is null).ToList();
        try
        {
            var (survivors, closed) = await VerifyAsync(revoked.Select(i => grants[i].Membership).ToList(), cancellationToken);
            for (var n = 0; n < revoked.Count; n++)
            {
                var index = revoked[n];
                results[index] = survivors.Contains(n)
                    ? RevokeResult.Failed("the membership is still there after REVOKE (on PostgreSQL 16 and later, a REVOKE by another grantor than the one that granted only warns)")
                    : RevokeResult.Revoked(closed?.GetValueOrDefault(grants[index].Login));
            }
        }
        catch (PostgresException e)
        {
            // The memberships are gone, but a session that did SET ROLE still has the rights: access has not ended yet.
            revoked.ForEach(i => results[i] = RevokeResult.Failed($"its sessions could not be closed ({e.MessageText}); give the target's role pg_signal_backend, or set TerminateSessions to false"));
        }

        return results.Select(r => r!).ToArray();
    }

    /// <summary>Every direct membership in the target's roles, with its grantor as the receipt: the bot's records are compared with it.</summary>
    public async Task<IReadOnlyList<FoundAccess>> CheckAsync(IReadOnlyList<TargetGrant> known, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT d.grant_name, d.login, d.grantor FROM ({DirectMemberships}) d WHERE d.grant_name = ANY($1) ORDER BY 1, 2");
        command.Parameters.Add(new NpgsqlParameter { Value = grants.ToArray() });
        var found = new List<FoundAccess>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var grantor = reader.IsDBNull(2) ? null : reader.GetString(2);
            found.Add(new FoundAccess(null, reader.GetString(0), reader.GetString(1), grantor, $"membership of {reader.GetString(1)} in {reader.GetString(0)} (granted by {grantor ?? "an unknown role"})"));
        }

        return found;
    }

    private static async Task<string?> ReadGrantorAsync(NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        // The first statement (GRANT) returns no rows: the grantor is the second one's.
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        do
        {
            if (reader.FieldCount > 0 && await reader.ReadAsync(cancellationToken))
            {
                return reader.IsDBNull(0) ? null : reader.GetString(0);
            }
        }
        while (await reader.NextResultAsync(cancellationToken));
        return null;
    }

    /// <summary>Grants the bot granted (a receipt names its grantor) that also have a membership from another grantor: index → those grantors.</summary>
    private async Task<Dictionary<int, string>> GrantedByOthersAsync(IReadOnlyList<TargetGrant> grants, CancellationToken cancellationToken)
    {
        var result = new Dictionary<int, string>();
        if (!grants.Any(g => g.Receipt is not null))
        {
            return result;
        }

        await using var command = dataSource.CreateCommand(
            $"""
            SELECT x.i, string_agg(DISTINCT coalesce(gr.rolname, 'an unknown role'), ', ')
            FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS x(grant_name, login, receipt, i)
            {BatchMemberships}
            WHERE x.receipt IS NOT NULL AND gr.rolname IS DISTINCT FROM x.receipt
            GROUP BY x.i
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = grants.Select(g => g.Grant).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = grants.Select(g => g.Login).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = grants.Select(g => g.Receipt).ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result[(int)reader.GetInt64(0) - 1] = reader.GetString(1);
        }

        return result;
    }

    /// <summary>Who holds each of <paramref name="grants"/> now, as pg_auth_members says (the sandbox shows it beside the chat).</summary>
    public async Task<IReadOnlyList<Membership>> MembershipsAsync(IReadOnlyCollection<string> grants, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT g.rolname, m.rolname FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid JOIN pg_roles m ON m.oid = a.member WHERE g.rolname = ANY($1) ORDER BY 1, 2");
        command.Parameters.Add(new NpgsqlParameter { Value = grants.ToArray() });
        var memberships = new List<Membership>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            memberships.Add(new Membership(reader.GetString(0), reader.GetString(1)));
        }

        return memberships;
    }

    /// <summary>REVOKEs in one transaction and one round trip; if one fails, one by one so it holds back no other. Returns index → error of each that failed.</summary>
    private async Task<Dictionary<int, string>> RevokeMembershipsAsync(IReadOnlyList<(int Index, Membership Membership)> memberships, CancellationToken cancellationToken)
    {
        var failed = new Dictionary<int, string>();
        if (memberships.Count == 0)
        {
            return failed;
        }

        // In one sorted order, like the membership locks: two batches revoking at once (two instances, or two batches of
        // one lane in flight) never take the target's locks in opposite orders.
        var sql = new StringBuilder("BEGIN;");
        foreach (var membership in memberships.Select(m => m.Membership).OrderBy(m => m.Grant, StringComparer.Ordinal).ThenBy(m => m.Login, StringComparer.Ordinal))
        {
            sql.Append(Revoke(membership)).Append(';');
        }

        sql.Append("COMMIT;");
        try
        {
            await using var command = dataSource.CreateCommand(sql.ToString());
            await command.ExecuteNonQueryAsync(cancellationToken);
            return failed;
        }
        catch (PostgresException)
        {
        }

        foreach (var (index, membership) in memberships)
        {
            try
            {
                await using var command = dataSource.CreateCommand(Revoke(membership));
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedObject)
            {
                // The role or the login no longer exists, so neither does the membership: nothing is left to take away.
            }
            catch (PostgresException e)
            {
                failed[index] = e.MessageText;
            }
        }

        return failed;
    }

    /// <summary>
    /// In one round trip: which of these memberships survived the REVOKE (by position), and, unless sessions are left
    /// alone, ends every session of their logins (waiting up to 5 s for each to go): login → sessions ended.
    /// </summary>
    private async Task<(HashSet<int> Survivors, Dictionary<string, int>? Closed)> VerifyAsync(IReadOnlyList<Membership> memberships, CancellationToken cancellationToken)
    {
        var survivors = new HashSet<int>();
        if (memberships.Count == 0)
        {
            return (survivors, null);
        }

        await using var batch = dataSource.CreateBatch();
        var check = new NpgsqlBatchCommand($"SELECT DISTINCT x.i::int - 1 FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS x(grant_name, login, i) {BatchMemberships}");
        check.Parameters.Add(new NpgsqlParameter { Value = memberships.Select(m => m.Grant).ToArray() });
        check.Parameters.Add(new NpgsqlParameter { Value = memberships.Select(m => m.Login).ToArray() });
        batch.BatchCommands.Add(check);
        if (terminateSessions)
        {
            var end = new NpgsqlBatchCommand(
                """
                SELECT s.usename, count(*) FILTER (WHERE s.ended)::int
                FROM (SELECT usename, pg_terminate_backend(pid, 5000) AS ended FROM pg_stat_activity WHERE usename = ANY($1) AND pid <> pg_backend_pid()) s
                GROUP BY s.usename
                """);
            end.Parameters.Add(new NpgsqlParameter { Value = memberships.Select(m => m.Login).Distinct(StringComparer.Ordinal).ToArray() });
            batch.BatchCommands.Add(end);
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            survivors.Add(reader.GetInt32(0));
        }

        if (!terminateSessions)
        {
            return (survivors, null);
        }

        var closed = new Dictionary<string, int>(StringComparer.Ordinal);
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            closed[reader.GetString(0)] = reader.GetInt32(1);
        }

        return (survivors, closed);
    }

    private static string Revoke(Membership membership) => $"REVOKE {SqlIdentifier.Quote(membership.Grant)} FROM {SqlIdentifier.Quote(membership.Login)}";
}
