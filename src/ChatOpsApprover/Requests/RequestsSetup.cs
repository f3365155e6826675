using ChatOpsApprover.Configuration;
using ChatOpsApprover.Domain;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Requests;

public static class RequestsSetup
{
    public static IServiceCollection AddRequests(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<Registrations>();
        services.AddValidatedOptions<AccessOptions, Registrations>((o, registered) => o.Load(configuration, registered), (o, registered) => o.Validate(registered));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<AccessOptions>>().Value.ToDirectory(sp.GetRequiredService<Registrations>(), sp.GetServices<IChatGroupSource>()));
        services.AddSingleton<RequestStore>();
        services.AddSingleton<Approvals>();
        services.AddSingleton<RequestAccess>();
        services.AddSingleton<DecideOnRequest>();
        services.AddSingleton<ListRequests>();
        services.AddSingleton<ListRoles>();
        services.AddSingleton<ConfirmCommand>();
        services.AddSingleton<JitCommandDispatcher>();
        services.AddSingleton<PendingTimeout>();
        services.AddSingleton<PendingNudges>();
        services.AddSingleton<EndReminders>();
        services.AddSingleton<ExtensionStore>();
        services.AddSingleton<AccessExtender>();
        services.AddSingleton<ExtendAccess>();
        services.AddSingleton<DecideOnExtension>();
        services.AddSingleton<ExtensionApprovals>();
        services.AddSingleton<PendingTimeoutScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<PendingTimeoutScheduler>());
        return services;
    }
}
