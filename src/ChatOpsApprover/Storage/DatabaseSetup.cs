using Npgsql;

namespace ChatOpsApprover.Storage;

/// <summary>Settings under "EmbeddedPostgres": the private server used when ConnectionStrings:Postgres is empty.</summary>
public sealed class EmbeddedPostgresOptions
{
    public string DataDirectory { get; set; } = ".local/postgres";
    public int Port { get; set; } = 55432;
}

public static class DatabaseSetup
{
    public const string DatabaseName = "chatopsapprover";

    /// <summary>
    /// Registers the bot's database. With no connection string (never in Production: see ProductionRequirements),
    /// starts the embedded PostgreSQL first, with password authentication, points ConnectionStrings:Postgres at it
    /// and registers it (postgres targets without a connection string use it too).
    /// </summary>
    public static async Task AddDatabaseAsync(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        if (string.IsNullOrWhiteSpace(configuration.GetConnectionString("Postgres")))
        {
            var embedded = configuration.GetSection("EmbeddedPostgres").Get<EmbeddedPostgresOptions>() ?? new EmbeddedPostgresOptions();
            var cluster = await LocalPostgresCluster.StartAsync(embedded.DataDirectory, embedded.Port, stopOnDispose: true, passwordAuthentication: true);
            await cluster.EnsureDatabaseAsync(DatabaseName);
            configuration["ConnectionStrings:Postgres"] = cluster.ConnectionString(DatabaseName);
            builder.Services.AddSingleton(cluster);
            builder.Services.AddSingleton(new EmbeddedPostgres(cluster.ConnectionString("postgres")));
            builder.Services.AddHostedService(sp => new EmbeddedPostgresLifetime(cluster, Path.GetFullPath(embedded.DataDirectory), builder.Environment.EnvironmentName, sp.GetRequiredService<ILogger<EmbeddedPostgres>>()));
        }

        var connectionString = configuration.GetConnectionString("Postgres")!;
        builder.Services.AddSingleton(_ => MainDataSource(connectionString));
        builder.Services.AddSingleton(_ => new SessionStateDataSource(new NpgsqlDataSourceBuilder(connectionString) { Name = "chatopsapprover:session-state" }.Build()));
        builder.Services.AddSingleton(sp => new SchemaMigrator(sp.GetRequiredService<SessionStateDataSource>().DataSource, sp.GetRequiredService<ILogger<SchemaMigrator>>()));
    }

    /// <summary>
    /// The pool nearly everything uses. Its sessions are handed back without Npgsql's reset (DISCARD ALL, one statement and
    /// one commit per reuse): nothing on it leaves session state (see <see cref="SessionStateDataSource"/>, which does).
    /// </summary>
    public static NpgsqlDataSource MainDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString) { Name = "chatopsapprover" };
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        return builder.Build();
    }

    private sealed class EmbeddedPostgresLifetime(LocalPostgresCluster cluster, string directory, string environment, ILogger logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            // Said at every start, so nobody mistakes a developer's database for a deployment.
            logger.LogWarning(
                "Using the embedded PostgreSQL on 127.0.0.1:{Port} (data and its generated password in {Directory}; {Environment} environment). It is for trying the bot out: set ConnectionStrings:Postgres for anything else.",
                cluster.Port, directory, environment);
            return Task.CompletedTask;
        }

        public async Task StopAsync(CancellationToken cancellationToken) => await cluster.DisposeAsync();
    }
}
