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
    /// Registers the bot's database. With no connection string, starts the embedded PostgreSQL first, points
    /// ConnectionStrings:Postgres at it and registers it (postgres targets without a connection string use it too).
    /// </summary>
    public static async Task AddDatabaseAsync(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        if (string.IsNullOrWhiteSpace(configuration.GetConnectionString("Postgres")))
        {
            var embedded = configuration.GetSection("EmbeddedPostgres").Get<EmbeddedPostgresOptions>() ?? new EmbeddedPostgresOptions();
            var cluster = await LocalPostgresCluster.StartAsync(embedded.DataDirectory, embedded.Port, stopOnDispose: true);
            await cluster.EnsureDatabaseAsync(DatabaseName);
            configuration["ConnectionStrings:Postgres"] = cluster.ConnectionString(DatabaseName);
            builder.Services.AddSingleton(cluster);
            builder.Services.AddSingleton(new EmbeddedPostgres(cluster.ConnectionString("postgres")));
            builder.Services.AddHostedService<EmbeddedPostgresLifetime>();
        }

        var connectionString = configuration.GetConnectionString("Postgres")!;
        builder.Services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString) { Name = "chatopsapprover" }.Build());
        builder.Services.AddSingleton<SchemaMigrator>();
    }

    private sealed class EmbeddedPostgresLifetime(LocalPostgresCluster cluster) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task StopAsync(CancellationToken cancellationToken) => await cluster.DisposeAsync();
    }
}
