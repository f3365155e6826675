using ChatOpsApprover.Configuration;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Grants;

public static class GrantsSetup
{
    public static IServiceCollection AddGrants(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<RevocationOptions>(configuration.GetSection("Revocation"), o => o.Validate());
        services.AddSingleton(sp => new GrantTargets(CreateTargets(sp)));
        services.AddSingleton<Granter>();
        services.AddSingleton<TargetRevoker>();
        services.AddSingleton<RevocationSweep>();
        services.AddSingleton<RevokeCommand>();
        services.AddSingleton<ApprovalLapse>();
        services.AddSingleton<DriftFindingStore>();
        services.AddSingleton<DriftReconciler>();
        services.AddSingleton<RevocationSignal>();
        services.AddSingleton<RevocationScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<RevocationScheduler>());
        return services;
    }

    /// <summary>Registers a kind of grant target under its Type; Targets:&lt;name&gt;:Type selects it.</summary>
    public static IServiceCollection AddGrantTargetType<T>(this IServiceCollection services)
        where T : class, IGrantTargetType
    {
        services.AddSingleton<IGrantTargetType, T>();
        return services;
    }

    /// <summary>Wraps every configured target; tests and the benchmark observe the real targets through this.</summary>
    public static IServiceCollection DecorateTargets(this IServiceCollection services, Func<IGrantTarget, IGrantTarget> decorate) =>
        services.AddSingleton(sp => new GrantTargets(CreateTargets(sp).ToDictionary(t => t.Key, t => decorate(t.Value))));

    /// <summary>Lets each target's kind prepare it (the embedded PostgreSQL gets its demo roles and logins), before the first grant.</summary>
    public static async Task PrepareTargetsAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var access = services.GetRequiredService<IOptions<AccessOptions>>().Value;
        var registered = services.GetRequiredService<Registrations>();
        foreach (var (name, target) in access.Targets)
        {
            await registered.TargetType(target.Type).PrepareAsync(target.Settings, access.UseOf(name), cancellationToken);
        }
    }

    private static Dictionary<string, IGrantTarget> CreateTargets(IServiceProvider services)
    {
        var access = services.GetRequiredService<IOptions<AccessOptions>>().Value;
        var registered = services.GetRequiredService<Registrations>();
        return access.Targets.ToDictionary(t => t.Key, t => registered.TargetType(t.Value.Type).Create(t.Key, t.Value.Settings, access.RolesOn(t.Key)), StringComparer.Ordinal);
    }
}
