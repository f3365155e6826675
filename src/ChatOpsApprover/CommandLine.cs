using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using ChatOpsApprover.Audit;
using ChatOpsApprover.Health;
using ChatOpsApprover.Policy;
using ChatOpsApprover.Storage;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ChatOpsApprover;

/// <summary>
/// Commands that run instead of the web host — "audit verify", "migrate [--app-role &lt;role&gt;]", "health [--url &lt;url&gt;]", "policy check|explain", "help" — parsed by
/// System.CommandLine, with the same configuration as the web host. An argument "--Key=value" is configuration
/// wherever it stands (unless --Key is an option of the commands), exactly as the web host reads it.
/// </summary>
public static class CommandLine
{
    public const string Settings = "Settings come from appsettings.json, the environment (ConnectionStrings__Postgres=…) or --ConnectionStrings:Postgres=…";

    /// <summary>The exit code of a command line that could not be understood, as of a check that could not run.</summary>
    public const int UsageError = 2;

    /// <summary>
    /// Runs a command-line command; null when <paramref name="args"/> name none (nothing but configuration, or
    /// options of the web host such as "--urls http://…") and the web host should start with them.
    /// </summary>
    public static async Task<int?> TryRunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var settings = new List<string>();
        var root = new RootCommand($"ChatOpsApprover: just-in-time access from Slack and Microsoft Teams. Without a command it runs the bot (web host).\n{Settings}")
        {
            AuditCommandLine.Create(settings),
            Migrate(settings),
            HealthCommand.Create(settings),
            PolicyCommandLine.Create(settings),
        };
        root.Add(Help(root));

        // Never runs: without a command the web host starts (see below). Having one makes a mistyped command read
        // "Unrecognized command" rather than "Required command was not provided".
        root.SetAction(int (_) => throw new UnreachableException("The web host runs without a command."));

        var options = OptionNames(root, recursive: true);
        var words = new List<string>();
        foreach (var arg in args)
        {
            (IsSetting(arg, options) ? settings : words).Add(arg);
        }

        // Nothing but configuration, or the web host's own options (--urls http://…): the web host starts with them all.
        if (words.Count == 0 || (words[0] is ['-' or '/', ..] && !OptionNames(root, recursive: false).Contains(words[0])))
        {
            return null;
        }

        var parsed = root.Parse(words);
        if (parsed.Errors.Count > 0)
        {
            foreach (var problem in parsed.Errors)
            {
                await error.WriteLineAsync(problem.Message);
            }

            // Followed by the usage of the command that was meant.
            await error.WriteLineAsync();
            root.Parse([.. CommandPath(parsed.CommandResult), "--help"]).Invoke(new InvocationConfiguration { Output = error });
            return UsageError;
        }

        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration
            {
                Output = output,
                Error = error,
                EnableDefaultExceptionHandler = false,
                // Ctrl+C ends the process as it would end the web host; no handler of ours is needed.
                ProcessTerminationTimeout = null,
            });
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            await error.WriteLineAsync($"The database could not be used: {e.Message}");
            return UsageError;
        }
    }

    /// <summary>The bot's database as the web host would find it; the embedded server is started when none is configured (and left running).</summary>
    public static async Task<string> ConnectionStringAsync(IReadOnlyList<string> settings, TextWriter error)
    {
        var configuration = Configuration(settings);
        var connectionString = configuration.GetConnectionString("Postgres");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            var embedded = configuration.GetSection("EmbeddedPostgres").Get<EmbeddedPostgresOptions>() ?? new EmbeddedPostgresOptions();
            await error.WriteLineAsync($"ConnectionStrings:Postgres is empty: using the embedded PostgreSQL in {Path.GetFullPath(embedded.DataDirectory)}.");
            var cluster = await LocalPostgresCluster.StartAsync(embedded.DataDirectory, embedded.Port, stopOnDispose: false);
            await cluster.EnsureDatabaseAsync(DatabaseSetup.DatabaseName);
            connectionString = cluster.ConnectionString(DatabaseSetup.DatabaseName);
        }

        return connectionString;
    }

    /// <summary>The configuration the web host would read: appsettings.json beside the binary, the environment, <paramref name="settings"/>.</summary>
    public static IConfiguration Configuration(IReadOnlyList<string> settings) =>
        WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. settings], ContentRootPath = AppContext.BaseDirectory }).Configuration;

    /// <summary>
    /// "--Key=value" (or "/Key=value", "Key=value", as the web host also reads them) is configuration, unless "--Key" is
    /// one of the commands' options (such as "--app-role=jit_app"). No command or option name holds a '='.
    /// </summary>
    private static bool IsSetting(string arg, IReadOnlySet<string> options) =>
        arg.IndexOf('=', StringComparison.Ordinal) is > 0 and var equals && !options.Contains(arg[..equals]);

    private static List<string> CommandPath(CommandResult command)
    {
        var path = new List<string>();
        for (SymbolResult? result = command; result is CommandResult { Command: not RootCommand } named; result = named.Parent)
        {
            path.Insert(0, named.Command.Name);
        }

        return path;
    }

    private static HashSet<string> OptionNames(Command command, bool recursive)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var option in command.Options)
        {
            names.Add(option.Name);
            names.UnionWith(option.Aliases);
        }

        foreach (var subcommand in recursive ? command.Subcommands : [])
        {
            names.UnionWith(OptionNames(subcommand, recursive));
        }

        return names;
    }

    private static Command Help(RootCommand root)
    {
        var help = new Command("help", "Show this help");
        help.SetAction(result => root.Parse(["--help"]).Invoke(result.InvocationConfiguration));
        return help;
    }

    private static Command Migrate(IReadOnlyList<string> settings)
    {
        var appRole = new Option<string>("--app-role")
        {
            Description = "Also grant this role what the bot needs at run time (it cannot UPDATE, DELETE or TRUNCATE the audit log)",
            HelpName = "role",
        };
        appRole.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string>()))
            {
                result.AddError("--app-role needs a role name, e.g. migrate --app-role jit_app");
            }
        });

        var migrate = new Command("migrate", "Apply the schema migrations (as the owner role)") { appRole };
        migrate.SetAction(result => MigrateAsync(settings, result.GetValue(appRole), result.InvocationConfiguration.Output, result.InvocationConfiguration.Error));
        return migrate;
    }

    private static async Task<int> MigrateAsync(IReadOnlyList<string> settings, string? appRole, TextWriter output, TextWriter error)
    {
        var connectionString = await ConnectionStringAsync(settings, error);
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
}
