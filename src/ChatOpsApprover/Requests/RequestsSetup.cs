using ChatOpsApprover.Configuration;
using ChatOpsApprover.Domain;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Requests;

public static class RequestsSetup
{
    public static IServiceCollection AddRequests(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<AccessOptions>(configuration, o => o.Validate());
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<AccessOptions>>().Value.ToDirectory());
        services.AddSingleton<RequestStore>();
        services.AddSingleton<Approvals>();
        services.AddSingleton<AccessRequestService>();
        return services;
    }
}
