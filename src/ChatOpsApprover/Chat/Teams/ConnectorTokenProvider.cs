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

    // Built at the first token, not with the provider: the provider is constructed at start-up with every chat
    // platform, and a bot without Teams should not load and compile MSAL at all (its fields name only our own type).
    private readonly Lazy<EntraClient> _entra;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public ConnectorTokenProvider(IOptions<TeamsOptions> options, IHttpClientFactory httpClients)
    {
        var settings = options.Value;
        _entra = new Lazy<EntraClient>(() => new EntraClient(settings, httpClients.CreateClient(HttpClientName)));
    }

    public async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        // One caller at a time: when the cache is empty or the token is about to expire, concurrent sends would
        // otherwise each ask Entra for a token. A cache hit takes microseconds, so the gate costs nothing else.
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await _entra.Value.GetTokenAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Entra throttled, failed or timed out: worth another attempt (a refused secret is not).</summary>
    public static bool IsTransient(Exception? exception) =>
        exception is MsalServiceException { StatusCode: 429 or >= 500 } or MsalClientException { ErrorCode: "request_timeout" };

    /// <summary>The MSAL client application with its in-memory token cache.</summary>
    private sealed class EntraClient(TeamsOptions settings, HttpClient http)
    {
        private readonly string[] _scopes = [settings.Scope];

        private readonly IConfidentialClientApplication _app = ConfidentialClientApplicationBuilder
            .Create(settings.AppId)
            .WithClientSecret(settings.AppPassword)
            // The authority is configured, not discovered: no instance-discovery call to a Microsoft host.
            .WithAuthority(settings.Authority.ToString(), validateAuthority: false)
            .WithInstanceDiscovery(false)
            .WithHttpClientFactory(new HttpClientFactoryAdapter(http))
            .Build();

        public async Task<string> GetTokenAsync(CancellationToken cancellationToken) =>
            (await _app.AcquireTokenForClient(_scopes).ExecuteAsync(cancellationToken)).AccessToken;
    }

    private sealed class HttpClientFactoryAdapter(HttpClient client) : IMsalHttpClientFactory
    {
        public HttpClient GetHttpClient() => client;
    }
}
