using ChatOpsApprover.Configuration;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Storage;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatOpsApprover.Policy;

/// <summary>
/// The configuration the bot would run with (or one file in place of its appsettings.json), checked by the very
/// validation that runs at start-up: every feature is registered as the host registers it, and every options
/// validator runs, without a database, a listener or a job server being started.
/// </summary>
public sealed class PolicyConfiguration : IDisposable
{
    private readonly ServiceProvider _services;

    private PolicyConfiguration(ServiceProvider services, IReadOnlyList<string> problems, IConfiguration configuration)
    {
        _services = services;
        Problems = problems;
        Configuration = configuration;
    }

    /// <summary>Every problem, each naming its configuration key; empty when the bot would start with this configuration.</summary>
    public IReadOnlyList<string> Problems { get; }

    public IConfiguration Configuration { get; }

    /// <summary>
    /// Reads and checks the configuration: the bot's own (appsettings.json beside the binary, the environment,
    /// <paramref name="settings"/>), or <paramref name="file"/> instead of appsettings.json.
    /// </summary>
    public static PolicyConfiguration Read(IReadOnlyList<string> settings, string? file)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. settings], ContentRootPath = AppContext.BaseDirectory });
        var problems = new List<string>();
        if (file is not null)
        {
            UseFile(builder.Configuration, Path.GetFullPath(file));
        }

        problems.AddRange(ProductionRequirements.Check(builder.Environment, builder.Configuration));
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("Postgres")))
        {
            // As the bot would: it starts its embedded PostgreSQL, which postgres targets without a connection string use.
            builder.Services.AddSingleton(new EmbeddedPostgres("Host=127.0.0.1"));
        }

        builder.Services.TryAddSingleton(TimeProvider.System);

        // Some services behind the validators take the database; nothing here opens a connection to it.
        var connectionString = builder.Configuration.GetConnectionString("Postgres");
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(string.IsNullOrWhiteSpace(connectionString) ? "Host=127.0.0.1" : connectionString));
        ChatOpsApproverApp.AddFeatures(builder);
        var services = builder.Services.BuildServiceProvider();
        try
        {
            services.GetRequiredService<IStartupValidator>().Validate();
        }
        catch (OptionsValidationException e)
        {
            problems.AddRange(e.Failures);
        }
        catch (AggregateException e)
        {
            problems.AddRange(e.InnerExceptions.SelectMany(i => i is OptionsValidationException o ? o.Failures : [i.Message]));
        }
        catch (InvalidOperationException e)
        {
            // A value the binder could not convert (e.g. a TimeSpan that is not one); its message names the key.
            problems.Add(e.Message);
        }

        // A validator that reads other options (the sandbox reads People) reports their failures again.
        return new PolicyConfiguration(services, problems.Distinct(StringComparer.Ordinal).ToArray(), builder.Configuration);
    }

    /// <summary>The people, roles and groups as the bot would see them; only when there is no problem.</summary>
    public AccessDirectory Directory() => _services.GetRequiredService<AccessDirectory>();

    public AccessOptions Access() => _services.GetRequiredService<IOptions<AccessOptions>>().Value;

    public void Dispose() => _services.Dispose();

    /// <summary>The file takes the place of appsettings.json (and its environment's variant); the environment and command-line settings still apply over it.</summary>
    private static void UseFile(ConfigurationManager configuration, string path)
    {
        var sources = (IList<IConfigurationSource>)configuration.Sources;
        var first = sources.Select((s, i) => (s, i)).FirstOrDefault(p => p.s is JsonConfigurationSource).i;
        foreach (var json in sources.OfType<JsonConfigurationSource>().ToList())
        {
            sources.Remove(json);
        }

        var source = new JsonConfigurationSource { Path = path, Optional = false, ReloadOnChange = false };
        source.ResolveFileProvider();
        sources.Insert(Math.Min(first, sources.Count), source);
    }
}
