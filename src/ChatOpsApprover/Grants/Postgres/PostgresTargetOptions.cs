namespace ChatOpsApprover.Grants.Postgres;

/// <summary>Settings under Targets:&lt;name&gt; of a target with Type "postgres".</summary>
public sealed class PostgresTargetOptions
{
    /// <summary>Empty means the bot's own embedded PostgreSQL (for trying the bot out; only while ConnectionStrings:Postgres is empty).</summary>
    public string? ConnectionString { get; set; }
}
