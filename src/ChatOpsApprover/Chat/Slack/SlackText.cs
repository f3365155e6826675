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
}
