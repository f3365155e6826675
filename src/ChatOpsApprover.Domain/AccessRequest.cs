namespace ChatOpsApprover.Domain;

/// <summary>
/// One person's request for one role for a bounded time: <see cref="Grant"/> given to <see cref="Login"/> at <see cref="Target"/>. <see cref="EndsAt"/> is set only once access is active,
/// and always equals <see cref="GrantedAt"/> + <see cref="ApprovedDuration"/> (<see cref="Duration"/> unless an approver granted less).
/// </summary>
public sealed record AccessRequest(
    long Id,
    string PersonId,
    string RoleName,
    string Target,
    string Grant,
    string Login,
    TimeSpan Duration,
    string Reason,
    RequestStatus Status,
    ChatPlatform Platform,
    DateTimeOffset RequestedAt,
    IReadOnlyList<Decision> Decisions,
    DateTimeOffset? GrantedAt,
    DateTimeOffset? EndsAt,
    DateTimeOffset? EndedAt,
    string? EndedBy,
    string? FailureReason)
{
    public IEnumerable<Decision> Approvals => Decisions.Where(d => d.Approved);

    public Decision? Denial => Decisions.FirstOrDefault(d => !d.Approved);

    /// <summary>What access lasts once granted: the shortest duration an approver chose, or what was asked.</summary>
    public TimeSpan ApprovedDuration => Approvals.Select(a => a.Duration).OfType<TimeSpan>().Append(Duration).Min();

    /// <summary>Second-factor confirmations asked for on this request (waiting, verified or refused), oldest first.</summary>
    public IReadOnlyList<StepUpConfirmation> StepUps { get; init; } = [];

    /// <summary>When the first grant attempt was about to reach the target (recorded before it did); null while none was made.</summary>
    public DateTimeOffset? GrantSentAt { get; init; }

    /// <summary>
    /// The person already held this access by other means when the bot first looked (a standing membership): the grant
    /// changed nothing at the target, and its end never takes the access away.
    /// </summary>
    public bool HeldOutside { get; init; }

    /// <summary>What the target answered when it granted (PostgreSQL: the grantor of the membership), handed back to it on revoke.</summary>
    public string? GrantReceipt { get; init; }

    /// <summary>Sessions at the target that were closed when the access ended (null: none were looked for).</summary>
    public int? SessionsClosed { get; init; }

    /// <summary>Set while access that should not exist may remain at the target (a grant whose reply was lost, drift): the revocation sweep takes it away, retrying until it succeeds.</summary>
    public DateTimeOffset? CleanupDueAt { get; init; }

    /// <summary>
    /// Whether the bot may have given access at the target for this request: a grant attempt was made, and the person
    /// did not already hold the access. Only then may ending the request take anything away.
    /// </summary>
    public bool MayHoldAccessAtTarget => GrantSentAt is not null && !HeldOutside;

    /// <summary>Approvals needed beyond the role's RequiredApprovals, because a policy rule asked for them.</summary>
    public int ExtraApprovals { get; init; }

    /// <summary>A policy rule asked that approvers confirm their approvals with their second factor.</summary>
    public bool ApproverStepUp { get; init; }

    /// <summary>Approved by policy when it was made, without anyone's approval.</summary>
    public bool AutoApproved { get; init; }

    /// <summary>The policy rules that fired when the request was made, with why; shown on its card.</summary>
    public IReadOnlyList<PolicyRuleHit> PolicyRules { get; init; } = [];

    /// <summary>People who became approvers of this request when it was escalated (person ids), on top of the role's.</summary>
    public IReadOnlyList<string> EscalatedTo { get; init; } = [];

    /// <summary>Taken with break-glass: approved by policy at once, granted only after the requester's second factor, and reviewed afterwards.</summary>
    public bool BreakGlass { get; init; }

    /// <summary>Who reviewed this break-glass use (an approver of the role, never its requester), when and with what note; null while it waits.</summary>
    public string? ReviewedBy { get; init; }

    public DateTimeOffset? ReviewedAt { get; init; }

    public string? ReviewNote { get; init; }

    /// <summary>
    /// The people whose step-ups on this request a Risk rule with Review let through and marked for review (the
    /// requester, an approver); reviewed with a break-glass use's review (<see cref="ReviewedAt"/>), reopened by a later mark.
    /// </summary>
    public IReadOnlyList<string> ReviewMarkedFor { get; init; } = [];

    /// <summary>A break-glass use, or a request with step-ups marked for review, that nobody has reviewed yet.</summary>
    public bool NeedsReview => (BreakGlass || ReviewMarkedFor.Count > 0) && ReviewedAt is null;
}

/// <summary>
/// One approver's answer. A person decides a request at most once. A denial carries its <paramref name="Reason"/>
/// (required); an approval may carry a <paramref name="Duration"/> shorter than the request's ("approve for less").
/// </summary>
public sealed record Decision(string ApproverId, bool Approved, DateTimeOffset At, ChatPlatform Platform, string? Reason = null, TimeSpan? Duration = null);
