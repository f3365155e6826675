using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatOpsApprover.Chat.Teams;

/// <summary>
/// Authenticates a request from the Bot Connector as its authentication spec requires: a JWT bearer token signed by
/// a key from the connector's OpenID metadata (RS256/384/512), issued by https://api.botframework.com, for our app id,
/// within its lifetime (5 minutes of skew), whose serviceurl claim is the activity's serviceUrl, and whose key is
/// endorsed for the activity's channel, which must be msteams. Fails closed: without an app id nothing passes.
/// </summary>
public sealed class BotFrameworkTokenValidator(BotFrameworkSigningKeys keys, IOptions<TeamsOptions> options, TimeProvider time, ILogger<BotFrameworkTokenValidator> logger)
{
    public const string TeamsChannelId = "msteams";
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);
    private static readonly string[] Algorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512];
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    /// <summary>Null when the request is authentic; otherwise why it was refused (for the log, never for the caller).</summary>
    public async Task<string?> RefusalAsync(string? authorization, string? activityServiceUrl, string? activityChannelId, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var refusal = await CheckAsync(settings, authorization, activityServiceUrl, activityChannelId, cancellationToken);
        if (refusal is not null)
        {
            logger.LogWarning("Refused a request to /api/messages: {Reason}", refusal);
        }

        return refusal;
    }

    private async Task<string?> CheckAsync(TeamsOptions settings, string? authorization, string? activityServiceUrl, string? activityChannelId, CancellationToken cancellationToken)
    {
        if (!settings.IsConfigured)
        {
            return "Teams is not configured (Teams:AppId is empty)";
        }

        const string scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || authorization.Length == scheme.Length)
        {
            return "no bearer token";
        }

        JsonWebToken token;
        try
        {
            token = _handler.ReadJsonWebToken(authorization[scheme.Length..].Trim());
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenException)
        {
            return "the bearer token is not a JWT";
        }

        if (!Algorithms.Contains(token.Alg, StringComparer.Ordinal))
        {
            return $"signing algorithm {token.Alg} is not allowed";
        }

        if (string.IsNullOrEmpty(token.Kid))
        {
            return "the token names no signing key";
        }

        var key = await keys.FindAsync(token.Kid, cancellationToken);
        if (key is null)
        {
            return $"signing key {token.Kid} is not in the Bot Connector's key set";
        }

        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = TeamsOptions.BotFrameworkIssuer,
            ValidateIssuer = true,
            ValidAudience = settings.AppId,
            ValidateAudience = true,
            IssuerSigningKey = key.Key,
            TryAllIssuerSigningKeys = false,
            RequireSignedTokens = true,
            ValidAlgorithms = Algorithms,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = ClockSkew,
            // Lifetime against the injected clock, not the machine's.
            LifetimeValidator = (notBefore, expires, _, _) => WithinLifetime(notBefore, expires),
        });
        if (!result.IsValid)
        {
            return $"the token is not valid: {result.Exception?.GetType().Name ?? "unknown reason"}";
        }

        if (!token.TryGetPayloadValue<string>("serviceurl", out var serviceUrlClaim) || string.IsNullOrWhiteSpace(serviceUrlClaim))
        {
            return "the token has no serviceurl claim";
        }

        if (string.IsNullOrWhiteSpace(activityServiceUrl) || !string.Equals(serviceUrlClaim, activityServiceUrl, StringComparison.OrdinalIgnoreCase))
        {
            return "the activity's serviceUrl is not the one in the token";
        }

        if (!string.Equals(activityChannelId, TeamsChannelId, StringComparison.Ordinal))
        {
            return "the activity does not come from the msteams channel";
        }

        if (!key.Endorsements.Contains(TeamsChannelId))
        {
            return $"signing key {token.Kid} is not endorsed for msteams";
        }

        return null;
    }

    private bool WithinLifetime(DateTime? notBefore, DateTime? expires)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return expires is { } exp && now <= exp.ToUniversalTime() + ClockSkew
            && (notBefore is not { } nbf || nbf.ToUniversalTime() <= now + ClockSkew);
    }
}
