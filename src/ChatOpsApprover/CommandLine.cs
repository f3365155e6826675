using ChatOpsApprover.Audit;
using ChatOpsApprover.Storage;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ChatOpsApprover;

/// <summary>
/// Commands that run instead of the web host, with the same configuration (appsettings.json, environment,
/// --Key=value arguments): "audit verify" and "migrate [--app-role &lt;role&gt;]".
/// </summary>
public static class CommandLine
{
    public const string Usage =
        "Commands:\n" +
        "  ChatOpsApprover                               run the bot (web host)\n" +
        "  ChatOpsApprover audit verify                  check the audit log's hash chain; exit code 0 when intact, 1 when broken\n" +
        "  ChatOpsApprover migrate [--app-role <role>]   apply schema migrations (as the owner role) and grant <role> what the bot needs at run time\n" +
        "Settings come from appsettings.json, the environment (ConnectionStrings__Postgres=…) or --ConnectionStrings:Postgres=…";

    /// <summary>Runs a command-line command; null when <paramref name="args"/> name none and the web host should start.</summary>
    public static async Task<int?> TryRunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0)
        {
            return null;
        }

        try
        {
            return args[0] switch
            {
                "audit" => await AuditCommandLine.RunAsync(args[1..], output, error),
                "migrate" => await MigrateAsync(args[1..], output, error),
                "help" or "--help" or "-h" => Help(output),
                _ => null,
            };
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            await error.WriteLineAsync($"The database could not be used: {e.Message}");
            return 2;
        }
    }

    /// <summary>The bot's database as the web host would find it; the embedded server is started when none is configured (and left running).</summary>
    public static async Task<string> ConnectionStringAsync(string[] settings, TextWriter error)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = settings, ContentRootPath = AppContext.BaseDirectory });
        var connectionString = builder.Configuration.GetConnectionString("Postgres");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            var embedded = builder.Configuration.GetSection("EmbeddedPostgres").Get<EmbeddedPostgresOptions>() ?? new EmbeddedPostgresOptions();
            await error.WriteLineAsync($"ConnectionStrings:Postgres is empty: using the embedded PostgreSQL in {Path.GetFullPath(embedded.DataDirectory)}.");
            var cluster = await LocalPostgresCluster.StartAsync(embedded.DataDirectory, embedded.Port, stopOnDispose: false);
            await cluster.EnsureDatabaseAsync(DatabaseSetup.DatabaseName);
            connectionString = cluster.ConnectionString(DatabaseSetup.DatabaseName);
        }

        return connectionString;
    }

    private static async Task<int> MigrateAsync(string[] args, TextWriter output, TextWriter error)
    {
        string? appRole = null;
        var settings = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--app-role")
            {
                if (i + 1 >= args.Length || string.IsNullOrWhiteSpace(args[i + 1]))
                {
                    await error.WriteLineAsync("--app-role needs a role name, e.g. migrate --app-role jit_app");
                    return 2;
                }

                appRole = args[++i];
            }
            else
            {
                settings.Add(args[i]);
            }
        }

        var connectionString = await ConnectionStringAsync([.. settings], error);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync();

        // Hangfire installs its schema when its storage is created.
        var hangfire = new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = true };
        _ = new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, hangfire), hangfire);
        await output.WriteLineAsync("The schema is up to date.");

        if (appRole is not null)
        {
            foreach (var warning in await DatabaseRoles.GrantRunTimeRoleAsync(dataSource, appRole))
            {
                await error.WriteLineAsync($"Warning: {warning}");
            }

            await output.WriteLineAsync($"Granted {appRole} what the bot needs at run time; it cannot UPDATE, DELETE or TRUNCATE jit.audit_log.");
        }

        return 0;
    }

    private static int Help(TextWriter output)
    {
        output.WriteLine(Usage);
        return 0;
    }
}
