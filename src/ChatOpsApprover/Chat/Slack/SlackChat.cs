using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>Slack as configuration and the directory know it: user ids (U…, W…) compare exactly; a mention is &lt;@U…&gt; or &lt;@U…|name&gt;.</summary>
public sealed class SlackChat : IChatPlatformRegistration
{
    /// <summary>The key stored with requests, decisions, messages and audit entries made on Slack.</summary>
    public static readonly ChatPlatform Key = new("slack");

    public ChatPlatform Platform => Key;

    public string PersonKey => "Slack";

    public string ChannelKey => "SlackChannel";

    /// <summary>Usergroups, named "slack:S…" in configuration; their members come from <see cref="SlackUserGroups"/>.</summary>
    public bool HasGroups => true;

    public StringComparer UserIdComparer => StringComparer.Ordinal;

    public string? ReadMention(string text) =>
        text.StartsWith("<@", StringComparison.Ordinal) && text.EndsWith('>') ? text[2..^1].Split('|')[0] : null;

    /// <summary>The person's Slack user id, or null when they have none (or there is no such person).</summary>
    public static string? UserId(Person? person) => person?.IdentityOn(Key);
}
