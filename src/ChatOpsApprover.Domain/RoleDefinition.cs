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

    /// <summary>Who may request the role (entries as <see cref="Approvers"/>); null: anyone in People.</summary>
    public IReadOnlyList<string>? Requesters { get; init; }

    /// <summary>How long a request waits for its decision before it times out.</summary>
    public TimeSpan PendingTimeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Where this role's approval cards go on <paramref name="platform"/>, or null when nowhere there.</summary>
    public string? ApprovalChannelOn(ChatPlatform platform) => ApprovalChannels.GetValueOrDefault(platform);
}
