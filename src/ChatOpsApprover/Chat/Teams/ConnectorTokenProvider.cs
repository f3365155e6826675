using Microsoft.Extensions.Options;
using Microsoft.Identity.Client;

namespace ChatOpsApprover.Chat.Teams;

/// <summary>
/// Client-credential tokens for the Bot Connector, from Microsoft Entra through MSAL. MSAL keeps the token in its
/// in-memory app cache and hands out the cached one until five minutes before it expires, then fetches a new one.
/// </summary>
public sealed class ConnectorTokenProvider
{
    public const string HttpClientName = "Teams.Token";

    private readonly Lazy<IConfidentialClientApplication> _app;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string[] _scopes;

    public ConnectorTokenProvider(IOptions<TeamsOptions> options, IHttpClientFactory httpClients)
    {
        var settings = options.Value;
        _scopes = [settings.Scope];
        _app = new Lazy<IConfidentialClientApplication>(() => ConfidentialClientApplicationBuilder
            .Create(settings.AppId)
            .WithClientSecret(settings.AppPassword)
            // The authority is configured, not discovered: no instance-discovery call to a Microsoft host.
            .WithAuthority(settings.Authority.ToString(), validateAuthority: false)
            .WithInstanceDiscovery(false)
            .WithHttpClientFactory(new HttpClientFactoryAdapter(httpClients.CreateClient(HttpClientName)))
            .Build());
    }

    public async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        // One caller at a time: when the cache is empty or the token is about to expire, concurrent sends would
        // otherwise each ask Entra for a token. A cache hit takes microseconds, so the gate costs nothing else.
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var result = await _app.Value.AcquireTokenForClient(_scopes).ExecuteAsync(cancellationToken);
            return result.AccessToken;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Entra throttled, failed or timed out: worth another attempt (a refused secret is not).</summary>
    public static bool IsTransient(Exception? exception) =>
        exception is MsalServiceException { StatusCode: 429 or >= 500 } or MsalClientException { ErrorCode: "request_timeout" };

    private sealed class HttpClientFactoryAdapter(HttpClient client) : IMsalHttpClientFactory
    {
        public HttpClient GetHttpClient() => client;
    }
}
