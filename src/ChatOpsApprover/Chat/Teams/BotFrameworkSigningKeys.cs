using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace ChatOpsApprover.Chat.Teams;

/// <summary>A signing key of the Bot Connector and the channels it may vouch for (its JWKS "endorsements").</summary>
public sealed record EndorsedKey(SecurityKey Key, IReadOnlySet<string> Endorsements);

/// <summary>
/// The Bot Connector's signing keys, read from its OpenID metadata and JWKS. Refreshed once a day, and sooner when a
/// token names a key id we do not know (key rotation), but at most once per <see cref="MinimumRefreshInterval"/> so
/// tokens with made-up key ids cannot make us hammer the metadata endpoint. A failed refresh keeps the keys we had.
/// </summary>
public sealed class BotFrameworkSigningKeys(IHttpClientFactory httpClients, IOptions<TeamsOptions> options, TimeProvider time, ILogger<BotFrameworkSigningKeys> logger)
{
    public const string HttpClientName = "Teams.OpenIdMetadata";
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromHours(24);
    public static readonly TimeSpan MinimumRefreshInterval = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim _refreshGate = new(1, 1);

    // One immutable snapshot, swapped whole: readers outside the gate never see half a refresh.
    private volatile KeySet? _current;
    private DateTimeOffset? _lastAttempt;

    /// <summary>The key with this id, refreshing the set first when it is stale or does not know the id.</summary>
    public async Task<EndorsedKey?> FindAsync(string keyId, CancellationToken cancellationToken)
    {
        if (Fresh(_current) is { } fresh && fresh.Keys.TryGetValue(keyId, out var known))
        {
            return known;
        }

        await _refreshGate.WaitAsync(cancellationToken);
        try
        {
            // Another request may have refreshed while this one waited.
            if (Fresh(_current) is { } refreshed && refreshed.Keys.TryGetValue(keyId, out known))
            {
                return known;
            }

            var now = time.GetUtcNow();
            if (_lastAttempt is null || now - _lastAttempt >= MinimumRefreshInterval)
            {
                _lastAttempt = now;
                await RefreshAsync(now, cancellationToken);
            }

            return _current?.Keys.GetValueOrDefault(keyId);
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    private KeySet? Fresh(KeySet? set) => set is not null && time.GetUtcNow() - set.LoadedAt < RefreshInterval ? set : null;

    private async Task RefreshAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var metadataUrl = options.Value.OpenIdMetadataUrl;
        try
        {
            var retriever = new HttpDocumentRetriever(httpClients.CreateClient(HttpClientName))
            {
                // The JWKS address comes from the metadata document: it must meet the same bar as the metadata URL.
                RequireHttps = !(metadataUrl.Scheme == Uri.UriSchemeHttp && metadataUrl.IsLoopback),
            };
            var configuration = await OpenIdConnectConfigurationRetriever.GetAsync(metadataUrl.ToString(), retriever, cancellationToken);
            var keys = new Dictionary<string, EndorsedKey>(StringComparer.Ordinal);
            foreach (var jwk in configuration.JsonWebKeySet?.Keys ?? [])
            {
                if (string.IsNullOrEmpty(jwk.Kid) || jwk.Kty != JsonWebAlgorithmsKeyTypes.RSA || !JsonWebKeyConverter.TryConvertToSecurityKey(jwk, out var key))
                {
                    continue;
                }

                keys[jwk.Kid] = new EndorsedKey(key, ReadEndorsements(jwk));
            }

            _current = new KeySet(keys, now);
            logger.LogInformation("Loaded {Count} Bot Connector signing keys from {Url}", keys.Count, metadataUrl);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Could not load the Bot Connector signing keys from {Url}: {Error}", metadataUrl, e.Message);
        }
    }

    private sealed record KeySet(IReadOnlyDictionary<string, EndorsedKey> Keys, DateTimeOffset LoadedAt);

    /// <summary>The channels a key may sign for; a key without the array endorses nothing.</summary>
    private static HashSet<string> ReadEndorsements(JsonWebKey jwk)
    {
        var endorsements = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (jwk.AdditionalData.TryGetValue("endorsements", out var value) && value is JsonElement { ValueKind: JsonValueKind.Array } array)
        {
            foreach (var item in array.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } channel)
                {
                    endorsements.Add(channel);
                }
            }
        }

        return endorsements;
    }
}
