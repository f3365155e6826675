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
        services.AddSingleton<Revoker>();
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
        access.Targets.ToDictionary(
            t => t.Key,
            t => (IGrantTarget)new PostgresRoleTarget(new NpgsqlDataSourceBuilder(t.Value.ConnectionString) { Name = $"target:{t.Key}" }.Build()),
            StringComparer.Ordinal);
}
