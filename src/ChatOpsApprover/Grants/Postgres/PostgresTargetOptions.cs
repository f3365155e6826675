namespace ChatOpsApprover.Grants.Postgres;

/// <summary>Settings under Targets:&lt;name&gt; of a target with Type "postgres".</summary>
public sealed class PostgresTargetOptions
{
    /// <summary>Empty means the bot's own embedded PostgreSQL (for trying the bot out; only while ConnectionStrings:Postgres is empty).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Whether the end of a grant also ends the login's sessions at the server (pg_terminate_backend), so a session that
    /// did SET ROLE, or inherited the role's rights, loses them too. The target's role needs pg_signal_backend for that.
    /// </summary>
    public bool TerminateSessions { get; set; } = true;
}
