using System.Text;
using ChatOpsApprover.Storage;
using Npgsql;

namespace ChatOpsApprover.Grants.Postgres;

/// <summary>Grants PostgreSQL role membership: GRANT role TO login / REVOKE role FROM login, with both names quoted.</summary>
public sealed class PostgresRoleTarget(NpgsqlDataSource dataSource) : IGrantTarget
{
    public async Task GrantAsync(Membership membership, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"GRANT {SqlIdentifier.Quote(membership.Grant)} TO {SqlIdentifier.Quote(membership.Login)}");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task RevokeAsync(IReadOnlyCollection<Membership> memberships, CancellationToken cancellationToken)
    {
        if (memberships.Count == 0)
        {
            return;
        }

        // One transaction, one round trip: a burst of thousands of revocations costs milliseconds, not seconds.
        var sql = new StringBuilder("BEGIN;");
        foreach (var membership in memberships)
        {
            sql.Append("REVOKE ").Append(SqlIdentifier.Quote(membership.Grant)).Append(" FROM ").Append(SqlIdentifier.Quote(membership.Login)).Append(';');
        }

        sql.Append("COMMIT;");
        try
        {
            await using var command = dataSource.CreateCommand(sql.ToString());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException)
        {
            // One bad membership must not hold the others: take them one by one.
            await RevokeEachAsync(memberships, cancellationToken);
        }
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

    private async Task RevokeEachAsync(IReadOnlyCollection<Membership> memberships, CancellationToken cancellationToken)
    {
        // Every membership is tried, so one that keeps failing never holds back the others.
        var failed = new List<Membership>();
        Exception? first = null;
        foreach (var membership in memberships)
        {
            try
            {
                await using var command = dataSource.CreateCommand($"REVOKE {SqlIdentifier.Quote(membership.Grant)} FROM {SqlIdentifier.Quote(membership.Login)}");
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedObject)
            {
                // The role or the login no longer exists, so neither does the membership: nothing is left to take away.
            }
            catch (PostgresException e)
            {
                failed.Add(membership);
                first ??= e;
            }
        }

        if (first is not null)
        {
            throw new PartialRevocationException(failed, first);
        }
    }
}
