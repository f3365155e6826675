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
        services.AddSingleton<RevocationScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<RevocationScheduler>());
        return services;
    }

    public static Dictionary<string, IGrantTarget> CreateTargets(AccessOptions access) =>
        access.Targets.ToDictionary(
            t => t.Key,
            t => (IGrantTarget)new PostgresRoleTarget(new NpgsqlDataSourceBuilder(t.Value.ConnectionString) { Name = $"target:{t.Key}" }.Build()),
            StringComparer.Ordinal);
}
