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

    /// <summary>People who became approvers of this request when it was escalated (person ids), on top of the role's.</summary>
    public IReadOnlyList<string> EscalatedTo { get; init; } = [];
}

/// <summary>
/// One approver's answer. A person decides a request at most once. A denial carries its <paramref name="Reason"/>
/// (required); an approval may carry a <paramref name="Duration"/> shorter than the request's ("approve for less").
/// </summary>
public sealed record Decision(string ApproverId, bool Approved, DateTimeOffset At, ChatPlatform Platform, string? Reason = null, TimeSpan? Duration = null);
