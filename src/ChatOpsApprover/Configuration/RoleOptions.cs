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

    /// <summary>
    /// Roles:&lt;name&gt;:AutoApprove, in either form: <c>true</c> (no human approval is needed; the request is approved
    /// as soon as it is made) or an object that limits it (<see cref="AutoApproveLimits"/>). Read by
    /// <see cref="AccessOptions.Load"/> rather than the binder, which knows only one form (internal, so it leaves it alone).
    /// </summary>
    internal bool AutoApprove { get; set; }

    /// <summary>The object form of AutoApprove: For, OnlyInHours, MaxDuration; null for <c>true</c>.</summary>
    internal AutoApproveOptions? AutoApproveLimits { get; set; }

    /// <summary>When the role is normally requested (Days, From, To, TimeZone); unset: at any time.</summary>
    public HoursOptions? Hours { get; set; }

    /// <summary>What a request outside Hours needs: Refuse (the default), ExtraApproval or ApproverStepUp.</summary>
    public string? OutsideHours { get; set; }

    /// <summary>Risk signals (LongerThan, FirstRequest, NewDevice, NewNetwork) and what they ask for (Action, StepUpAction).</summary>
    public RiskOptions? Risk { get; set; }

    /// <summary>Problems found while reading the role's settings by hand (AutoApprove), each naming its key.</summary>
    internal List<string> ReadProblems { get; } = [];

    /// <summary>Emergency access without approval (always with the requester's second factor, alerted and reviewed); null: none.</summary>
    public BreakGlassOptions? BreakGlass { get; set; }

    /// <summary>Where approval cards go per chat platform, read from Roles:&lt;name&gt;:&lt;the platform's channel key&gt; (SlackChannel, TeamsChannel, …).</summary>
    public Dictionary<ChatPlatform, string> ApprovalChannels { get; } = [];

    /// <summary>Who confirms with their second factor: None, Requester (default), Approver or Both.</summary>
    public StepUpPolicy StepUp { get; set; } = StepUpPolicy.Requester;

    /// <summary>When true, a step-up from a new device or network is refused (the person is told to contact an approver).</summary>
    public bool BlockRiskyStepUp { get; set; }

    /// <summary>Which factors may confirm the role's step-ups: Any (default) or Passkey (phishing-resistant only).</summary>
    public StepUpFactor StepUpFactor { get; set; } = StepUpFactor.Any;

    /// <summary>Roles:&lt;name&gt;:Extend: active access may be extended (unset: it may not).</summary>
    public ExtendOptions? Extend { get; set; }

    /// <summary>The whole Roles:&lt;name&gt; section, for what the role's kind of target reads itself (e.g. Namespace) (internal, so the binder leaves it alone).</summary>
    internal IConfiguration Settings { get; set; } = new ConfigurationBuilder().Build();
}
