namespace ChatOpsApprover.Storage;

/// <summary>The bot's own PostgreSQL server, registered only while it runs one (ConnectionStrings:Postgres empty).</summary>
/// <param name="ServerConnectionString">Its "postgres" database, where demo grant targets live.</param>
public sealed record EmbeddedPostgres(string ServerConnectionString);
