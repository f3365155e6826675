using ChatOpsApprover.Configuration;
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
    /// Registers the bot's database. With no connection string, starts the embedded PostgreSQL first and points
    /// ConnectionStrings:Postgres (and every target without a connection string) at it.
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
            foreach (var target in configuration.GetSection("Targets").GetChildren())
            {
                if (string.IsNullOrWhiteSpace(target["ConnectionString"]))
                {
                    configuration[$"Targets:{target.Key}:ConnectionString"] = cluster.ConnectionString("postgres");
                }
            }

            builder.Services.AddSingleton(cluster);
            builder.Services.AddHostedService<EmbeddedPostgresLifetime>();
        }

        var connectionString = configuration.GetConnectionString("Postgres")!;
        builder.Services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString) { Name = "chatopsapprover" }.Build());
        builder.Services.AddSingleton<SchemaMigrator>();
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", async (NpgsqlDataSource dataSource, CancellationToken cancellationToken) =>
        {
            try
            {
                await using var command = dataSource.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(cancellationToken);
                return Results.Text("ok");
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                return Results.Text("database unreachable", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
        return app;
    }

    /// <summary>Creates the demo roles and logins named in the configuration inside the embedded server, so the bot works out of the box.</summary>
    public static async Task PrepareEmbeddedTargetsAsync(IServiceProvider services, AccessOptions access)
    {
        if (services.GetService<LocalPostgresCluster>() is not { } cluster)
        {
            return;
        }

        var embedded = cluster.ConnectionString("postgres");
        await using var dataSource = NpgsqlDataSource.Create(embedded);
        foreach (var (name, target) in access.Targets.Where(t => t.Value.ConnectionString == embedded))
        {
            var roles = access.Roles.Values.Where(r => r.Target == name).Select(r => (r.Grant, Login: false));
            var logins = access.People.Values.SelectMany(p => p.Logins).Where(l => l.Key == name).Select(l => (Grant: l.Value, Login: true));
            foreach (var (role, login) in roles.Concat(logins).Distinct())
            {
                await using var command = dataSource.CreateCommand(
                    $"DO $$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {Literal(role)}) THEN CREATE ROLE {SqlIdentifier.Quote(role)} {(login ? "LOGIN" : "NOLOGIN")}; END IF; END$$");
                await command.ExecuteNonQueryAsync();
            }
        }
    }

    private static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private sealed class EmbeddedPostgresLifetime(LocalPostgresCluster cluster) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task StopAsync(CancellationToken cancellationToken) => await cluster.DisposeAsync();
    }
}
