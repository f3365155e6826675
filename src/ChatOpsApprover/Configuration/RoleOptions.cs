using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Configuration;

public sealed class RoleOptions
{
    public string? Description { get; set; }
    public string Target { get; set; } = string.Empty;
    public string Grant { get; set; } = string.Empty;
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromHours(1);
    public List<string> Approvers { get; set; } = [];
    public int RequiredApprovals { get; set; } = 1;

    /// <summary>Who may request the role (person ids, group:&lt;name&gt;, a platform's group); unset: anyone in People.</summary>
    public List<string>? Requesters { get; set; }

    /// <summary>How long a request waits for its decision before it times out (default 1 hour).</summary>
    public TimeSpan PendingTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Remind the approvers once, this long after the request (unset: no reminder).</summary>
    public TimeSpan? ReminderAfter { get; set; }

    /// <summary>Escalate to <see cref="EscalateTo"/> this long after the request (unset: no escalation).</summary>
    public TimeSpan? EscalateAfter { get; set; }

    public List<string> EscalateTo { get; set; } = [];

    /// <summary>When true no human approval is needed; the request is approved as soon as it is made.</summary>
    public bool AutoApprove { get; set; }

    /// <summary>Where approval cards go per chat platform, read from Roles:&lt;name&gt;:&lt;the platform's channel key&gt; (SlackChannel, TeamsChannel, …).</summary>
    public Dictionary<ChatPlatform, string> ApprovalChannels { get; } = [];

    /// <summary>Who confirms with their second factor: None, Requester (default), Approver or Both.</summary>
    public StepUpPolicy StepUp { get; set; } = StepUpPolicy.Requester;

    /// <summary>When true, a step-up from a new device or network is refused (the person is told to contact an approver).</summary>
    public bool BlockRiskyStepUp { get; set; }

    /// <summary>Roles:&lt;name&gt;:Extend: active access may be extended (unset: it may not).</summary>
    public ExtendOptions? Extend { get; set; }

    /// <summary>The whole Roles:&lt;name&gt; section, for what the role's kind of target reads itself (e.g. Namespace) (internal, so the binder leaves it alone).</summary>
    internal IConfiguration Settings { get; set; } = new ConfigurationBuilder().Build();
}
