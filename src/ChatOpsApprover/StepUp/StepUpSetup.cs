using ChatOpsApprover.Configuration;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// Second factors (set up by enrollment), step-ups (one confirmation with the factor on a request), the single-use
/// links that open a page for either, and those pages.
/// </summary>
public static class StepUpSetup
{
    public static IServiceCollection AddStepUp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<StepUpOptions>(configuration.GetSection("StepUp"), o => o.Validate());
        services.AddTrustedProxyHeaders();
        services.AddPostgresDataProtection(configuration);
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "jit-antiforgery";
            options.Cookie.SameSite = SameSiteMode.Strict;

            // Secure over https, including https that ended at a trusted proxy (see TrustedProxyHeaders).
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.FormFieldName = "__RequestVerificationToken";
        });

        services.AddSingleton<FactorStore>();
        services.AddSingleton<LinkStore>();
        services.AddSingleton<StepUpConfirmationStore>();
        services.AddSingleton<KnownClientStore>();
        services.AddSingleton<FactorSecrets>();
        services.AddSingleton<KnownClients>();
        services.AddSingleton<LinkIssuer>();
        services.AddSingleton<LinkOpener>();
        services.AddSingleton<LinkGate>();
        services.AddSingleton<CodeVerifier>();
        services.AddSingleton<EnrollmentStart>();
        services.AddSingleton<EnrollCommand>();
        services.AddSingleton<FactorResetCommand>();
        services.AddSingleton<EnrollmentCompletion>();
        services.AddSingleton<StepUpCompletion>();
        services.AddSingleton<StepUpMessenger>();
        services.AddSingleton<EnrollmentPageHandler>();
        services.AddSingleton<StepUpPageHandler>();
        services.AddSingleton<LinkPageRenderer>();
        services.AddSingleton<LinkPageResponse>();
        services.AddSingleton<DeviceCookie>();
        services.AddTransient<StepUpJobs>();

        // Request logging and the route matcher's debug lines write request paths, and a link's path holds its token:
        // keep those lines out of the logs whatever level is configured.
        services.AddLogging(logging => logging
            .AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning)
            .AddFilter("Microsoft.AspNetCore.Routing.Matching", LogLevel.Information));
        return services;
    }

    public static IEndpointRouteBuilder MapStepUp(this IEndpointRouteBuilder app) => app.MapLinkPages();
}
