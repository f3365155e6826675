namespace ChatOpsApprover.Chat.Teams;

/// <summary>
/// Settings under "Teams". With no <see cref="AppId"/> the adapter is inactive: every inbound activity is refused and
/// nothing is posted. The password comes from the environment (Teams__AppPassword).
/// </summary>
public sealed class TeamsOptions
{
    public const string BotFrameworkIssuer = "https://api.botframework.com";
    public const string MultiTenant = "botframework.com";
    private const string TokenPath = "/oauth2/v2.0/token";

    /// <summary>The bot's Microsoft App ID (a GUID): the audience of inbound tokens and the client id of outbound ones.</summary>
    public string AppId { get; set; } = string.Empty;

    public string AppPassword { get; set; } = string.Empty;

    /// <summary>The Entra tenant of a single-tenant app registration; empty or "botframework.com" for a multi-tenant one.</summary>
    public string TenantId { get; set; } = string.Empty;

    /// <summary>The connector base used for messages the bot starts (cards, direct messages), e.g. https://smba.trafficmanager.net/teams/.</summary>
    public Uri ServiceUrl { get; set; } = new("https://smba.trafficmanager.net/teams/");

    public Uri OpenIdMetadataUrl { get; set; } = new("https://login.botframework.com/v1/.well-known/openidconfiguration");

    /// <summary>Where client-credential tokens come from; empty: derived from <see cref="TenantId"/>.</summary>
    public string? TokenEndpoint { get; set; }

    public string Scope { get; set; } = "https://api.botframework.com/.default";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(AppId);

    public bool IsMultiTenant => string.IsNullOrWhiteSpace(TenantId) || string.Equals(TenantId, MultiTenant, StringComparison.OrdinalIgnoreCase);

    /// <summary>The tenant proactive conversations are created in when a person's own tenant is not known yet.</summary>
    public string? DefaultTenant => IsMultiTenant ? null : TenantId;

    public Uri EffectiveTokenEndpoint => string.IsNullOrWhiteSpace(TokenEndpoint)
        ? new Uri($"https://login.microsoftonline.com/{(IsMultiTenant ? MultiTenant : TenantId)}{TokenPath}")
        : new Uri(TokenEndpoint, UriKind.RelativeOrAbsolute);

    /// <summary>The authority MSAL is given: the token endpoint without its /oauth2/v2.0/token path.</summary>
    public Uri Authority
    {
        get
        {
            var endpoint = EffectiveTokenEndpoint.GetLeftPart(UriPartial.Path);
            return new Uri(endpoint[..^TokenPath.Length]);
        }
    }

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!IsConfigured)
        {
            return errors;
        }

        if (!Guid.TryParse(AppId, out _))
        {
            errors.Add("Teams:AppId: must be the bot's Microsoft App ID, a GUID such as 00000000-0000-0000-0000-000000000000 (leave it empty to turn Teams off).");
        }

        if (string.IsNullOrWhiteSpace(AppPassword))
        {
            errors.Add("Teams:AppPassword: the client secret of the app registration is required when Teams:AppId is set (set it in the environment as Teams__AppPassword).");
        }

        if (!IsMultiTenant && !Guid.TryParse(TenantId, out _))
        {
            errors.Add("Teams:TenantId: must be the Entra tenant id (a GUID) of a single-tenant app, or empty (or \"botframework.com\") for a multi-tenant app.");
        }

        CheckUrl(errors, "Teams:ServiceUrl", ServiceUrl, "https://smba.trafficmanager.net/teams/");
        CheckUrl(errors, "Teams:OpenIdMetadataUrl", OpenIdMetadataUrl, "https://login.botframework.com/v1/.well-known/openidconfiguration");
        if (!string.IsNullOrWhiteSpace(TokenEndpoint))
        {
            // MSAL insists on https for its authority, loopback included.
            if (!Uri.TryCreate(TokenEndpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme != Uri.UriSchemeHttps || !endpoint.AbsolutePath.EndsWith(TokenPath, StringComparison.Ordinal))
            {
                errors.Add($"Teams:TokenEndpoint: must be an https URL ending in {TokenPath}, e.g. https://login.microsoftonline.com/<tenant>{TokenPath}, or empty to derive it from Teams:TenantId.");
            }
        }

        if (string.IsNullOrWhiteSpace(Scope))
        {
            errors.Add("Teams:Scope: must name the connector's scope, normally https://api.botframework.com/.default.");
        }

        return errors;
    }

    /// <summary>https only; plain http is accepted for a loopback host so tests can run local fakes.</summary>
    public static bool IsAllowedUrl(Uri? url) =>
        url is { IsAbsoluteUri: true } && (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback));

    private static void CheckUrl(List<string> errors, string key, Uri? url, string example)
    {
        if (!IsAllowedUrl(url))
        {
            errors.Add($"{key}: must be an absolute https URL such as {example} (http only for a loopback host).");
        }
    }
}
