using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// X-Forwarded-For and X-Forwarded-Proto, believed only from the reverse proxies in StepUp:TrustedProxies, through
/// ASP.NET Core's forwarded-headers middleware. It runs for every endpoint: the client address that a step-up records
/// (a risk signal) and that the chat endpoints log is the person's, not the proxy's; and https that ended at a proxy
/// still marks cookies Secure.
/// </summary>
public static class TrustedProxyHeaders
{
    public static IServiceCollection AddTrustedProxyHeaders(this IServiceCollection services)
    {
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<StepUpOptions>>((forwarded, stepUp) =>
        {
            // The defaults trust loopback; only the configured proxies are trusted here. With no proxy configured the
            // headers are ignored altogether: the middleware would trust everyone when it knows no proxy at all.
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            var proxies = stepUp.Value.TrustedProxies.Select(IPAddress.Parse).ToList();
            proxies.ForEach(forwarded.KnownProxies.Add);
            forwarded.ForwardedHeaders = proxies.Count == 0 ? ForwardedHeaders.None : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;

            // Walk X-Forwarded-For from the right through every trusted proxy: the client is the right-most hop that is
            // not one of them (or the left-most entry, when every hop is trusted).
            forwarded.ForwardLimit = null;
        });
        return services;
    }

    /// <summary>First in the pipeline, before anything reads the client's address or the scheme.</summary>
    public static WebApplication UseTrustedProxyHeaders(this WebApplication app)
    {
        app.UseForwardedHeaders();
        return app;
    }
}
