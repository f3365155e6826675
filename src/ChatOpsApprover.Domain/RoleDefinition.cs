namespace ChatOpsApprover.Domain;

/// <summary>
/// How a role may be requested: who approves, for how long, and where its approval cards go on each chat platform
/// (<see cref="ApprovalChannels"/>; empty only for <see cref="AutoApprove"/> roles). <see cref="Approvers"/> are
/// entries as configured (person ids, groups; see <see cref="MemberEntry"/>): ask <see cref="AccessDirectory.ApproversOf"/>
/// who they are. <see cref="RequiredApprovals"/> distinct people must approve, never the requester.
/// </summary>
public sealed record RoleDefinition(
    string Name,
    string Description,
    string Target,
    string Grant,
    TimeSpan MaxDuration,
    IReadOnlyList<string> Approvers,
    int RequiredApprovals,
    bool AutoApprove,
    IReadOnlyDictionary<ChatPlatform, string> ApprovalChannels)
{
    /// <summary>Who must confirm with their second factor; see <see cref="StepUpRules"/>.</summary>
    public StepUpPolicy StepUp { get; init; } = StepUpPolicy.Requester;

    /// <summary>When true, a step-up from a device or network the person has not used before is refused instead of marked.</summary>
    public bool BlockRiskyStepUp { get; init; }

    /// <summary>Which second factors may confirm this role's step-ups.</summary>
    public StepUpFactor StepUpFactor { get; init; } = StepUpFactor.Any;

    /// <summary>Who may request the role (entries as <see cref="Approvers"/>); null: anyone in People.</summary>
    public IReadOnlyList<string>? Requesters { get; init; }

    /// <summary>How long a request waits for its decision before it times out.</summary>
    public TimeSpan PendingTimeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>When set, the approvers are reminded once this long after the request, if it still waits.</summary>
    public TimeSpan? ReminderAfter { get; init; }

    /// <summary>When set, the people of <see cref="EscalateTo"/> become approvers of a request still waiting this long after it was made.</summary>
    public TimeSpan? EscalateAfter { get; init; }

    /// <summary>Who a waiting request is escalated to (entries as <see cref="Approvers"/>).</summary>
    public IReadOnlyList<string> EscalateTo { get; init; } = [];

    /// <summary>When the role is normally requested; null: at any time.</summary>
    public WorkingHours? Hours { get; init; }

    /// <summary>What a request outside <see cref="Hours"/> needs.</summary>
    public OutsideHoursAction OutsideHours { get; init; } = OutsideHoursAction.Refuse;

    /// <summary>With <see cref="AutoApprove"/>: where auto-approval applies; null: everywhere (AutoApprove: true).</summary>
    public AutoApproveLimits? AutoApproveLimits { get; init; }

    /// <summary>The role's risk signals and what they ask for.</summary>
    public RiskRules Risk { get; init; } = RiskRules.None;

    /// <summary>Whether some request of this role may need people to approve it (so it needs approvers and a channel).</summary>
    public bool MayNeedApprovers =>
        !AutoApprove || AutoApproveLimits is not null || Risk.WatchesRequests || (Hours is not null && OutsideHours != OutsideHoursAction.Refuse);

    /// <summary>Whether a rule may ask one approval more than <see cref="RequiredApprovals"/>.</summary>
    public bool MayNeedExtraApproval =>
        (Risk.WatchesRequests && Risk.Action == RiskAction.ExtraApproval) || (Hours is not null && OutsideHours == OutsideHoursAction.ExtraApproval);

    /// <summary>How the role may be taken in an emergency without approval; null: it may not.</summary>
    public BreakGlassRule? BreakGlass { get; init; }

    /// <summary>Whether and how far active access may be extended; null: it may not (no Roles:&lt;name&gt;:Extend).</summary>
    public ExtensionPolicy? Extend { get; init; }

    /// <summary>Where this role's approval cards go on <paramref name="platform"/>, or null when nowhere there.</summary>
    public string? ApprovalChannelOn(ChatPlatform platform) => ApprovalChannels.GetValueOrDefault(platform);
}
