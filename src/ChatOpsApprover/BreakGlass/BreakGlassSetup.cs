namespace ChatOpsApprover.BreakGlass;

public static class BreakGlassSetup
{
    public static IServiceCollection AddBreakGlass(this IServiceCollection services)
    {
        services.AddSingleton<UseBreakGlass>();
        services.AddSingleton<ReviewBreakGlass>();
        services.AddSingleton<ListBreakGlassToReview>();
        services.AddSingleton<BreakGlassAlertStore>();
        services.AddTransient<BreakGlassJobs>();
        return services;
    }
}
