using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChatOpsApprover.Health;

/// <summary>
/// GET /healthz, liveness: the process is up and the database answers (cheap; a failing one means "restart me").
/// GET /readyz, readiness: every check a feature registered with <see cref="AddReadinessCheck{T}"/> passes (the
/// database, this instance's Hangfire server, the Data Protection key ring, each configured chat platform's
/// credentials); a failing one means "send me no traffic". Both run on ASP.NET Core health checks, so other views of
/// the same checks (metrics, a publisher) can be added beside them.
/// </summary>
public static class HealthSetup
{
    public const string LivenessPath = "/healthz";
    public const string ReadinessPath = "/readyz";

    /// <summary>Tags that put a check in /healthz (<see cref="Live"/>) or /readyz (<see cref="Ready"/>).</summary>
    public const string Live = "live";

    public const string Ready = "ready";

    /// <summary>A probe answers within this however slow a dependency is; a check still running then counts as failed.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    public static IServiceCollection AddHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<DatabaseCheck>(DatabaseCheck.Name, tags: [Live, Ready], timeout: CheckTimeout);
        services.AddSingleton<HealthTransitions>();

        // The health check service logs every failing check at every probe, at Error; HealthTransitions logs changes instead.
        services.AddLogging(logging => logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None));
        return services;
    }

    /// <summary>Adds a condition of readiness: /readyz answers 503, naming <paramref name="name"/>, while it fails.</summary>
    public static IServiceCollection AddReadinessCheck<T>(this IServiceCollection services, string name)
        where T : class, IHealthCheck =>
        services.AddReadinessCheck(name, sp => ActivatorUtilities.GetServiceOrCreateInstance<T>(sp));

    public static IServiceCollection AddReadinessCheck(this IServiceCollection services, string name, Func<IServiceProvider, IHealthCheck> create)
    {
        services.AddHealthChecks().Add(new HealthCheckRegistration(name, create, HealthStatus.Unhealthy, [Ready], CheckTimeout));
        return services;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        Map(app, LivenessPath, Live, HealthResponses.WriteLivenessAsync);
        Map(app, ReadinessPath, Ready, HealthResponses.WriteReadinessAsync);
        return app;
    }

    private static void Map(IEndpointRouteBuilder app, string path, string tag, Func<HttpContext, HealthReport, Task> write) =>
        app.MapHealthChecks(path, new HealthCheckOptions { Predicate = check => check.Tags.Contains(tag), ResponseWriter = write })
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]));
}
