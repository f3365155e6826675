using ChatOpsApprover.Configuration;
using ChatOpsApprover.Observability;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// Second factors (set up by enrollment), step-ups (one confirmation with the factor on a request), the single-use
/// links that open a page for either, and those pages.
/// </summary>
public static class StepUpSetup
{
    public static IServiceCollection AddStepUp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<StepUpOptions>(configuration.GetSection("StepUp"), o => [.. o.Validate(), .. AdminsFor(o, configuration), .. PasskeyRolesFor(o, configuration)]);
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
        services.AddSingleton<FactorsCommand>();
        services.AddSingleton<PasskeyStore>();
        services.AddSingleton<PasskeyRelyingParty>();
        services.AddSingleton<PasskeyVerifier>();
        services.AddSingleton<PasskeyOffer>();
        services.AddSingleton<EnrollmentCompletion>();
        services.AddSingleton<DecideOnEnrollment>();
        services.AddSingleton<StepUpVerification>();
        services.AddSingleton<StepUpCompletion>();
        services.AddSingleton<StepUpMessenger>();
        services.AddSingleton<ExtensionStepUpMessenger>();
        services.AddSingleton<ExtensionStepUpPage>();
        services.AddSingleton<EnrollmentPageHandler>();
        services.AddSingleton<StepUpPageHandler>();
        services.AddSingleton<LinkPageRenderer>();
        services.AddSingleton<LinkPageResponse>();
        services.AddSingleton<DeviceCookie>();
        services.AddTransient<StepUpJobs>();
        services.AddTransient<ExtensionStepUpJobs>();

        // Request logging, its request scope (in every line of JSON logs) and the route matcher's debug lines write request
        // paths, and a link's path holds its token: keep them out of the logs whatever level is configured
        // (Observability/RequestLogScope opens the request's scope instead, without the token).
        services.AddLogging(logging => logging
            .AddFilter(RequestLogScope.HostingDiagnostics, LogLevel.None)
            .AddFilter("Microsoft.AspNetCore.Routing.Matching", LogLevel.Information));
        return services;
    }

    /// <summary>Enrollments that wait for an admin need someone who may approve them, and a channel where they are asked.</summary>
    private static IEnumerable<string> AdminsFor(StepUpOptions options, IConfiguration configuration)
    {
        if (options.Approval != EnrollmentApproval.Admin)
        {
            yield break;
        }

        if (!configuration.GetSection("People").GetChildren().Any(p => string.Equals(p["Admin"], "true", StringComparison.OrdinalIgnoreCase)))
        {
            yield return "StepUp:EnrollmentApproval: Admin needs at least one admin (People:<id>:Admin = true) to approve enrollments; nobody is one.";
        }

        if (string.IsNullOrWhiteSpace(configuration["Audit:SlackChannel"]) && string.IsNullOrWhiteSpace(configuration["Audit:TeamsChannel"]))
        {
            yield return "StepUp:EnrollmentApproval: Admin needs an audit channel (Audit:SlackChannel or Audit:TeamsChannel), where admins approve enrollments; none is set, so no enrollment could ever be approved.";
        }
    }

    /// <summary>A role that takes passkeys only needs an address passkeys work at, or nobody could ever confirm it.</summary>
    private static IEnumerable<string> PasskeyRolesFor(StepUpOptions options, IConfiguration configuration)
    {
        if (StepUpOptions.PasskeyOrigin(options.BaseUri) is not null)
        {
            yield break;
        }

        foreach (var role in configuration.GetSection("Roles").GetChildren())
        {
            if (string.Equals(role["StepUpFactor"]?.Trim(), nameof(Domain.StepUpFactor.Passkey), StringComparison.OrdinalIgnoreCase))
            {
                yield return $"Roles:{role.Key}:StepUpFactor: Passkey needs StepUp:PublicBaseUrl to be the https address people open the bot at (or http://localhost:<port> on one machine); browsers offer passkeys nowhere else, and it is {(string.IsNullOrWhiteSpace(options.PublicBaseUrl) ? "not set" : $"\"{options.PublicBaseUrl}\"")}.";
            }
        }
    }

    public static IEndpointRouteBuilder MapStepUp(this IEndpointRouteBuilder app) => app.MapLinkPages();
}
