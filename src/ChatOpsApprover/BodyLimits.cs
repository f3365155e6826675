using Microsoft.AspNetCore.Http.Features;

namespace ChatOpsApprover;

/// <summary>
/// How much of a request body the server reads. Bodies arrive before anyone is authenticated, so each endpoint reads
/// only what it needs, and the process that also revokes access keeps its memory.
/// </summary>
public static class BodyLimits
{
    /// <summary>Every endpoint without a limit of its own (Kestrel's default would be 30 MB).</summary>
    public const long Default = 64 * 1024;

    /// <summary>Sets the server's limit, for endpoints that declare none.</summary>
    public static void AddBodyLimits(this WebApplicationBuilder builder) =>
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = Default);

    /// <summary>
    /// Limits this endpoint's body: the server refuses to read past it (413), chunked bodies included. The handler
    /// still refuses a declared Content-Length over it before reading anything.
    /// </summary>
    public static RouteHandlerBuilder WithBodyLimit(this RouteHandlerBuilder endpoint, long maxBytes) =>
        endpoint.AddEndpointFilter(async (invocation, next) =>
        {
            if (invocation.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = maxBytes;
            }

            return await next(invocation);
        });
}
