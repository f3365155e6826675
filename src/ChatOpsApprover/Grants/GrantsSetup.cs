using ChatOpsApprover.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatOpsApprover.Grants;

public static class GrantsSetup
{
    public static IServiceCollection AddGrants(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<RevocationOptions>(configuration.GetSection("Revocation"), o => o.Validate());
        services.AddSingleton(sp => new GrantTargets(CreateTargets(sp.GetRequiredService<IOptions<AccessOptions>>().Value)));
        services.AddSingleton<Granter>();
        services.AddSingleton<TargetRevoker>();
        services.AddSingleton<RevocationSweep>();
        services.AddSingleton<RevokeCommand>();
        services.AddSingleton<LeftoverMembershipRemover>();
        services.AddSingleton<ApprovalLapse>();
        services.AddSingleton<RevocationScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<RevocationScheduler>());
        return services;
    }

    /// <summary>Wraps every configured target; tests and the benchmark observe the real targets through this.</summary>
    public static IServiceCollection DecorateTargets(this IServiceCollection services, Func<IGrantTarget, IGrantTarget> decorate) =>
        services.AddSingleton(sp => new GrantTargets(
            CreateTargets(sp.GetRequiredService<IOptions<AccessOptions>>().Value).ToDictionary(t => t.Key, t => decorate(t.Value))));

    public static Dictionary<string, IGrantTarget> CreateTargets(AccessOptions access) =>
        access.Targets.ToDictionary(t => t.Key, t => (IGrantTarget)new PostgresRoleTarget(TargetDataSource(t.Key, t.Value.ConnectionString)), StringComparer.Ordinal);

    /// <summary>
    /// Unless the connection string says otherwise, an unreachable target gives up in seconds, not Npgsql's 15 s/30 s:
    /// a revocation sweep waits on it, and its retries come back anyway.
    /// </summary>
    internal static NpgsqlDataSource TargetDataSource(string name, string? connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString) { Name = $"target:{name}" };

        // The plain builder knows only the keys actually written, which Npgsql's own builder does not tell apart.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
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
}
