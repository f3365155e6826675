using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Configuration;

public sealed class PersonOptions
{
    /// <summary>Their user id per chat platform, read from People:&lt;id&gt;:&lt;the platform's key&gt; (Slack, Teams, …).</summary>
    public Dictionary<ChatPlatform, string> Identities { get; } = [];

    public Dictionary<string, string> Logins { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Admins may revoke any request and reset second factors.</summary>
    public bool Admin { get; set; }
}
