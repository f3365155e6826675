namespace ChatOpsApprover.Chat.Slack;

/// <summary>Settings under "Slack". Secrets come from the environment (Slack__SigningSecret, Slack__BotToken, Slack__AppToken).</summary>
public sealed class SlackOptions
{
    public string SigningSecret { get; set; } = string.Empty;
    public string BotToken { get; set; } = string.Empty;

    /// <summary>
    /// An app-level token (xapp-…, scope connections:write): when set, Slack's commands, clicks and events arrive over
    /// a Socket Mode WebSocket the bot opens, so no public URL is needed. The HTTP endpoints keep working.
    /// </summary>
    public string AppToken { get; set; } = string.Empty;

    /// <summary>Web API base; GovSlack uses another host and tests point it at a local fake.</summary>
    public Uri ApiBaseUrl { get; set; } = new("https://slack.com/api/");

    /// <summary>How far a request's timestamp may be from now before it is refused as a replay.</summary>
    public TimeSpan TimestampTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the members of usergroups named as slack:&lt;id&gt; are read again (usergroups.users.list is rate-limited).</summary>
    public TimeSpan UserGroupRefresh { get; set; } = TimeSpan.FromMinutes(5);

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!ApiBaseUrl.IsAbsoluteUri || (ApiBaseUrl.Scheme != Uri.UriSchemeHttps && ApiBaseUrl.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add("Slack:ApiBaseUrl: must be an absolute http(s) URL such as https://slack.com/api/.");
        }

        if (AppToken.Length > 0 && !AppToken.StartsWith("xapp-", StringComparison.Ordinal))
        {
            errors.Add("Slack:AppToken: must be an app-level token starting with xapp- (the app's Basic Information page, App-Level Tokens, with the connections:write scope), or empty to receive over HTTP only.");
        }

        if (TimestampTolerance <= TimeSpan.Zero || TimestampTolerance > TimeSpan.FromMinutes(5))
        {
            errors.Add("Slack:TimestampTolerance: must be positive and at most 00:05:00.");
        }

        if (UserGroupRefresh < TimeSpan.FromSeconds(10))
        {
            errors.Add("Slack:UserGroupRefresh: must be at least 00:00:10 (Slack rate-limits usergroups.users.list).");
        }

        return errors;
    }
}
