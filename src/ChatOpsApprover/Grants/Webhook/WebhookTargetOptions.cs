namespace ChatOpsApprover.Grants.Webhook;

/// <summary>Settings under Targets:&lt;name&gt; of a target with Type "webhook".</summary>
public sealed class WebhookTargetOptions
{
    /// <summary>Where grants, revokes and checks are POSTed: https (plain http only for loopback).</summary>
    public string? Url { get; set; }

    /// <summary>The key every call is signed with (HMAC-SHA256). A secret: keep it in the environment (Targets__&lt;name&gt;__Secret).</summary>
    public string? Secret { get; set; }

    /// <summary>How long one attempt may take before it counts as failed and is retried.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
