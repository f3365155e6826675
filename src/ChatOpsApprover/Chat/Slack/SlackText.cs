using ChatOpsApprover.Chat.Cards;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>Slack mrkdwn escaping: &amp;, &lt; and &gt; in user text, so it cannot become a mention, a channel ping or a link.</summary>
public static class SlackText
{
    public static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);

    public static string Mention(string? slackUserId, string fallback) =>
        slackUserId is null ? Escape(fallback) : $"<@{slackUserId}>";

    /// <summary>
    /// Card text as mrkdwn: words escaped; a person mentioned when <paramref name="slackUserIdOf"/> knows their Slack id,
    /// otherwise named. Without <paramref name="slackUserIdOf"/> nobody is mentioned (the audit channel pings no one).
    /// </summary>
    public static string Render(CardText text, Func<string, string?>? slackUserIdOf = null) =>
        string.Concat(text.Spans.Select(span => span.Kind switch
        {
            CardSpanKind.Words => Escape(span.Value),
            CardSpanKind.Person => Mention(slackUserIdOf?.Invoke(span.Value), span.Value),
        }));
}
