namespace ChatOpsApprover.Observability;

/// <summary>
/// The log scope of an HTTP request, in place of ASP.NET Core's own (whose RequestPath is the raw path, and a link's
/// path is its token, a credential): RequestId, and the path as its route's pattern (/stepup/{token}) when a route
/// matched. Runs after routing, so the endpoint is known.
/// </summary>
public static class RequestLogScope
{
    /// <summary>The category whose logger opens ASP.NET Core's request scope and writes "Request starting …" with the full URL.</summary>
    public const string HostingDiagnostics = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public static IApplicationBuilder UseRequestLogScope(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RequestLogScope).FullName!);
        return app.Use(async (context, next) =>
        {
            using var scope = logger.BeginScope("RequestPath:{RequestPath} RequestId:{RequestId}", PathOf(context), context.TraceIdentifier);
            await next(context);
        });
    }

    /// <summary>The request's path as its route's pattern when a route matched (never a link's token), else as sent.</summary>
    public static string? PathOf(HttpContext context) =>
        context.GetEndpoint() is RouteEndpoint route ? route.RoutePattern.RawText ?? context.Request.Path.Value : context.Request.Path.Value;
}
