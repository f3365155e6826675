namespace ChatOpsApprover.Domain;

/// <summary>The answer to "may this person ask for this role for this long?"</summary>
public abstract record RequestCheck
{
    private RequestCheck()
    {
    }

    public sealed record Allowed(RoleDefinition Role, string Login) : RequestCheck;
    public sealed record Refused(string Message) : RequestCheck;
}

/// <summary>The outcome of an approver's click.</summary>
public enum DecisionOutcome
{
    Recorded,

    /// <summary>The approval counts only once the approver confirms it with their second factor.</summary>
    StepUpRequired,
    Approved,
    Denied,
    AlreadyDecided,

    /// <summary>The request timed out before anyone decided it.</summary>
    TimedOut,

    /// <summary>A denial without a reason: refused, nothing recorded; the approver is asked for one.</summary>
    ReasonRequired,

    /// <summary>An approval for a duration that was not offered (not shorter than asked, or not one of the steps).</summary>
    DurationNotOffered,
    AlreadyVotedByYou,
    NotAnApprover,
    SelfApprovalRefused,
    UnknownPerson,
    NotFound,
}

/// <summary>Rules for requesting and deciding. Fails closed: anything unknown is refused.</summary>
public static class AccessPolicy
{
    public static RequestCheck CheckRequest(AccessDirectory directory, Person? person, ChatUser user, string roleName, TimeSpan duration)
    {
        if (person is null)
        {
            return new RequestCheck.Refused($"You ({user.Platform} user {user.PlatformUserId}) are not registered with ChatOpsApprover. Ask an admin to add you under People in the configuration.");
        }

        var role = directory.FindRole(roleName);
        if (role is null)
        {
            var known = string.Join(", ", directory.Roles.Select(r => r.Name));
            return new RequestCheck.Refused($"There is no role \"{Shorten(roleName)}\". Roles you can request: {(known.Length == 0 ? "none" : known)}. See jit roles.");
        }

        if (!directory.MayRequest(role, person.Id))
        {
            return new RequestCheck.Refused($"You may not request {role.Name}: the role names who may (Roles:{role.Name}:Requesters), and you are not among them. Ask an admin if you need it.");
        }

        if (duration > role.MaxDuration)
        {
            return new RequestCheck.Refused($"{role.Name} can be granted for at most {DurationText.Format(role.MaxDuration)}; you asked for {DurationText.Format(duration)}. Ask again with a shorter duration.");
        }

        if (!person.Logins.TryGetValue(role.Target, out var login) || string.IsNullOrWhiteSpace(login))
        {
            return new RequestCheck.Refused($"You have no login at {role.Target}, the target of {role.Name}. Ask an admin to add People:{person.Id}:Logins:{role.Target} to the configuration.");
        }

        return new RequestCheck.Allowed(role, login);
    }

    /// <summary>
    /// May this person take this role with break-glass for this long? The role must allow it, the person must be
    /// allowed to request the role, and the duration must be within the break-glass limit; otherwise as a request.
    /// </summary>
    public static RequestCheck CheckBreakGlass(AccessDirectory directory, Person? person, ChatUser user, string roleName, TimeSpan duration)
    {
        // Known person, known role, a login at the target, allowed to request: the same as any request, within the
        // break-glass limit instead of the role's (checked first, so the answer names the limit that applies).
        var role = person is null ? null : directory.FindRole(roleName);
        if (role is not null && role.BreakGlass is null)
        {
            return new RequestCheck.Refused($"{role.Name} has no break-glass (Roles:{role.Name}:BreakGlass is not allowed): ask for it with jit request {role.Name} <duration> <reason…>, and its approvers decide.");
        }

        if (role?.BreakGlass is { } rule && directory.MayRequest(role, person!.Id) && duration > rule.MaxDuration)
        {
            return new RequestCheck.Refused($"Break-glass on {role.Name} lasts at most {DurationText.Format(rule.MaxDuration)}; you asked for {DurationText.Format(duration)}. Use it again with a shorter duration, or ask for longer access with jit request.");
        }

        // Start-up keeps the break-glass limit within the role's MaxDuration, so the role's own check agrees.
        return CheckRequest(directory, person, user, roleName, duration);
    }

    /// <summary>
    /// May this person close the review of this break-glass use? Only an approver of its role, never the person who used
    /// it; someone who may not see the request is told it does not exist.
    /// </summary>
    public static ReviewOutcome CheckReview(AccessDirectory directory, AccessRequest request, RoleDefinition? role, Person reviewer)
    {
        if (role is null || !MaySee(directory, request, role, reviewer))
        {
            return ReviewOutcome.NotFound;
        }

        if (request.PersonId == reviewer.Id)
        {
            return ReviewOutcome.OwnUseRefused;
        }

        if (!directory.IsApprover(role, reviewer.Id))
        {
            return ReviewOutcome.NotAnApprover;
        }

        if (!request.BreakGlass && request.ReviewMarkedFor.Count == 0)
        {
            return ReviewOutcome.NotBreakGlass;
        }

        if (request.ReviewMarkedFor.Contains(reviewer.Id))
        {
            return ReviewOutcome.OwnStepUpRefused;
        }

        return request.ReviewedAt is null ? ReviewOutcome.Reviewed : ReviewOutcome.AlreadyReviewed;
    }

    /// <summary>Decides whether an approver's click counts. The caller holds the request's lock.</summary>
    public static DecisionOutcome CheckDecision(AccessDirectory directory, AccessRequest request, RoleDefinition role, Person approver)
    {
        if (request.Status != RequestStatus.Pending)
        {
            return request.Status == RequestStatus.TimedOut ? DecisionOutcome.TimedOut : DecisionOutcome.AlreadyDecided;
        }

        if (string.Equals(request.PersonId, approver.Id, StringComparison.Ordinal))
        {
            return DecisionOutcome.SelfApprovalRefused;
        }

        if (!directory.IsApprover(role, approver.Id, request))
        {
            return DecisionOutcome.NotAnApprover;
        }

        // By person, not by chat identity: someone on Slack and Teams answers once.
        if (request.Decisions.Any(d => d.ApproverId == approver.Id))
        {
            return DecisionOutcome.AlreadyVotedByYou;
        }

        return DecisionOutcome.Recorded;
    }

    /// <summary>After a counted vote: a denial ends it; <see cref="RequiredApprovals"/> approvals by distinct people approve it.</summary>
    public static RequestStatus StatusAfterVote(int required, int approvals, bool approvedNow) =>
        !approvedNow ? RequestStatus.Denied
        : approvals >= required ? RequestStatus.Approved
        : RequestStatus.Pending;

    /// <summary>How many different people must approve <paramref name="request"/>: the role's number, plus what policy rules added when it was made.</summary>
    public static int RequiredApprovals(RoleDefinition role, AccessRequest request) => role.RequiredApprovals + request.ExtraApprovals;

    /// <summary>
    /// Who may see a request's details (requester, reason, decisions, its card) when they name it by id: its requester,
    /// an approver of its role (escalated approvers included), or an admin. Everyone else is told nothing about it, not
    /// even that it exists.
    /// </summary>
    public static bool MaySee(AccessDirectory directory, AccessRequest request, RoleDefinition role, Person person) =>
        request.PersonId == person.Id || person.IsAdmin || directory.IsApprover(role, person.Id, request);

    /// <summary>Who may end a request early: its requester, an approver of its role, or an admin.</summary>
    public static bool MayRevoke(AccessDirectory directory, AccessRequest request, RoleDefinition? role, Person person) =>
        request.PersonId == person.Id || person.IsAdmin || (role is not null && directory.IsApprover(role, person.Id));

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
