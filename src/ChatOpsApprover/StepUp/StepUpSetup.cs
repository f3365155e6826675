using ChatOpsApprover.Configuration;

namespace ChatOpsApprover.StepUp;

/// <summary>Second factors (TOTP enrollment), step-up confirmation links and their pages.</summary>
public static class StepUpSetup
{
    public static IServiceCollection AddStepUp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<StepUpOptions>(configuration.GetSection("StepUp"), o => o.Validate());
        services.AddPostgresDataProtection(configuration);
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "jit-antiforgery";
            options.Cookie.SameSite = SameSiteMode.Strict;

            // Secure over https, including https that ended at a trusted proxy (see StepUpEndpoints.ApplyForwardedScheme).
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.FormFieldName = "__RequestVerificationToken";
        });

        services.AddSingleton<StepUpStore>();
        services.AddSingleton<FactorSecrets>();
        services.AddSingleton<StepUpLinks>();
        services.AddSingleton<MfaEnrollment>();
        services.AddSingleton<StepUpMessenger>();
        services.AddSingleton<StepUpVerifier>();
        services.AddSingleton<DeviceCookie>();
        services.AddTransient<StepUpJobs>();

        // Request logging and the route matcher's debug lines write request paths, and a link's path holds its token:
        // keep those lines out of the logs whatever level is configured.
        services.AddLogging(logging => logging
            .AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning)
            .AddFilter("Microsoft.AspNetCore.Routing.Matching", LogLevel.Information));
        return services;
    }

    public static IEndpointRouteBuilder MapStepUp(this IEndpointRouteBuilder app) => app.MapStepUpPages();
}
