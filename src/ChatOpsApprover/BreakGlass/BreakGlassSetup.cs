namespace ChatOpsApprover.BreakGlass;

public static class BreakGlassSetup
{
    public static IServiceCollection AddBreakGlass(this IServiceCollection services)
    {
        services.AddSingleton<UseBreakGlass>();
        services.AddSingleton<ReviewBreakGlass>();
        services.AddSingleton<ListBreakGlassToReview>();
        return services;
    }
}
