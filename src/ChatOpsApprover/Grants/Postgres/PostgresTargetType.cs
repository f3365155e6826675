using System.Data.Common;
using ChatOpsApprover.Storage;
using Npgsql;

namespace ChatOpsApprover.Grants.Postgres;

/// <summary>
/// Targets of Type "postgres": role membership in a PostgreSQL server. A target without a connection string is the
/// embedded server, when the bot runs one; its demo roles and logins are created at start-up.
/// </summary>
public sealed class PostgresTargetType(EmbeddedPostgres? embedded = null) : GrantTargetType<PostgresTargetOptions, NoRoleSettings>
{
    public override string Type => "postgres";

    protected override IEnumerable<string> Validate(string key, PostgresTargetOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            if (embedded is null)
            {
                yield return $"{key}:ConnectionString: give the target's connection string (it may be empty only while the bot runs its own PostgreSQL, that is while ConnectionStrings:Postgres is empty).";
            }

            yield break;
        }

        string? problem = null;
        try
        {
            _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        }
        catch (ArgumentException e)
        {
            problem = e.Message;
        }

        if (problem is not null)
        {
            yield return $"{key}:ConnectionString: it cannot be read ({problem}); write it as Npgsql does, e.g. Host=db;Username=jit_admin;Password=….";
        }
    }

    protected override IGrantTarget Create(string name, PostgresTargetOptions options, IReadOnlyList<(TargetRole Role, NoRoleSettings Options)> roles) =>
        new PostgresRoleTarget(DataSource(name, ConnectionStringOf(options)), options.TerminateSessions, roles.Select(r => r.Role.Grant).Distinct(StringComparer.Ordinal).ToArray());

    /// <summary>Creates the roles and logins configuration names at an embedded target, so the bot works out of the box.</summary>
    protected override async Task PrepareAsync(PostgresTargetOptions options, TargetUse use, CancellationToken cancellationToken)
    {
        if (embedded is null || !string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return;
        }

        await using var dataSource = NpgsqlDataSource.Create(embedded.ServerConnectionString);
        var roles = use.Grants.Select(grant => (Name: grant, Login: false)).Concat(use.Logins.Select(login => (Name: login, Login: true)));
        foreach (var (role, login) in roles.Distinct())
        {
            await using var command = dataSource.CreateCommand(
                $"DO $$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {Literal(role)}) THEN CREATE ROLE {SqlIdentifier.Quote(role)} {(login ? "LOGIN" : "NOLOGIN")}; END IF; END$$");
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Unless the connection string says otherwise, an unreachable target gives up in seconds, not Npgsql's 15 s/30 s:
    /// a revocation sweep waits on it, and its retries come back anyway.
    /// </summary>
    internal static NpgsqlDataSource DataSource(string name, string? connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString) { Name = $"target:{name}" };

        // The plain builder knows only the keys actually written, which Npgsql's own builder does not tell apart.
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.ContainsKey("Timeout"))
        {
            builder.ConnectionStringBuilder.Timeout = 5;
        }

        if (!given.ContainsKey("Command Timeout") && !given.ContainsKey("CommandTimeout"))
        {
            builder.ConnectionStringBuilder.CommandTimeout = 15;
        }

        return builder.Build();
    }

    private string? ConnectionStringOf(PostgresTargetOptions options) =>
        string.IsNullOrWhiteSpace(options.ConnectionString) ? embedded?.ServerConnectionString : options.ConnectionString;

    private static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
