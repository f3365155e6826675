using System.Globalization;
using System.Text;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Grants;

namespace ChatOpsApprover.Requests;

/// <summary>The plain-text sentences people read, the same on every platform. Adapters escape them for their markup.</summary>
public static class RequestMessages
{
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Summary(AccessRequest request) =>
        $"#{request.Id} {request.RoleName} for {DurationText.Format(request.Duration)} — {Describe(request)}";

    public static string Describe(AccessRequest request) => request.Status switch
    {
        RequestStatus.Pending => "waiting for approval",
        RequestStatus.Approved when StepUpRules.WaitingForRequester(request) is not null => "approved, waiting for the requester to confirm with their second factor",
        RequestStatus.Approved => "approved, access is being granted",
        RequestStatus.Active => $"active until {Time(request.EndsAt!.Value)}",
        RequestStatus.Expired => $"ended at {Time(request.EndedAt ?? request.EndsAt!.Value)}",
        RequestStatus.Revoked => $"revoked by {request.EndedBy ?? "an approver"} at {Time(request.EndedAt!.Value)}",
        RequestStatus.Denied => $"denied by {request.Denial?.ApproverId ?? "an approver"}{Because(request.Denial)}",
        RequestStatus.Failed => $"could not be granted: {request.FailureReason}",
        RequestStatus.TimedOut => $"timed out: nobody decided it by {Time(request.EndedAt!.Value)}",
    };

    /// <summary>What the requester is told privately when their request changes.</summary>
    public static string ForRequester(AccessRequest request) => request.Status switch
    {
        RequestStatus.Pending => $"Your request #{request.Id} for {request.RoleName} is {Describe(request)}.",
        RequestStatus.Approved when StepUpRules.WaitingForRequester(request) is not null => $"Your request #{request.Id} for {request.RoleName} was approved{Shortened(request)}; access starts once you confirm it with your second factor (see the link sent to you, or type: jit confirm {request.Id}).",
        RequestStatus.Approved => $"Your request #{request.Id} for {request.RoleName} was approved{Shortened(request)}; access is being granted.",
        RequestStatus.Active => $"Your access to {request.RoleName} (request #{request.Id}) is active until {Time(request.EndsAt!.Value)}{Shortened(request)}.{HeldOutside(request)}",
        RequestStatus.Expired => $"Your access to {request.RoleName} (request #{request.Id}) has ended.{SessionsClosed(request)}",
        RequestStatus.Revoked => $"Your request #{request.Id} for {request.RoleName} was revoked by {request.EndedBy}.{SessionsClosed(request)}",
        RequestStatus.Denied => $"Your request #{request.Id} for {request.RoleName} was denied by {request.Denial?.ApproverId ?? "an approver"}{Because(request.Denial)}.",
        RequestStatus.Failed => $"Your request #{request.Id} for {request.RoleName} could not be granted: {request.FailureReason}. Ask an approver for help.",
        RequestStatus.TimedOut => $"Your request #{request.Id} for {request.RoleName} timed out: nobody decided it in time. Ask again if you still need it.",
    };

    private static string HeldOutside(AccessRequest request) => request.HeldOutside
        ? " You already held this access outside ChatOpsApprover, so nothing was changed at the target, and it stays yours when this request ends."
        : string.Empty;

    private static string SessionsClosed(AccessRequest request) => request.SessionsClosed is > 0 and var n
        ? $" Your {n} open session(s) at the target were closed, so nothing opened during the window keeps the access."
        : string.Empty;

    public static string ForDecision(DecisionOutcome outcome, long requestId) => outcome switch
    {
        DecisionOutcome.Recorded => $"Your approval of #{requestId} is recorded; more approvals are needed.",
        DecisionOutcome.StepUpRequired => $"Your approval of #{requestId} counts only once you confirm it with your second factor: a link is on its way to you (only you can see it).",
        DecisionOutcome.Approved => $"You approved #{requestId}.",
        DecisionOutcome.Denied => $"You denied #{requestId}.",
        DecisionOutcome.AlreadyDecided => $"Request #{requestId} was already decided; nothing changed.",
        DecisionOutcome.TimedOut => $"Request #{requestId} timed out before anyone decided it; nothing changed. The requester may ask again.",
        DecisionOutcome.DurationNotOffered => $"That duration is not offered for request #{requestId}: pick a shorter one from the list, or approve what was asked. Nothing changed.",
        DecisionOutcome.ReasonRequired => $"Say why you deny request #{requestId}: a reason is required (the requester reads it). Nothing changed.",
        DecisionOutcome.AlreadyVotedByYou => $"You already answered request #{requestId}; nothing changed.",
        DecisionOutcome.NotAnApprover => $"You are not an approver for request #{requestId}; nothing changed.",
        DecisionOutcome.SelfApprovalRefused => $"You cannot decide your own request #{requestId}; another approver must.",
        DecisionOutcome.UnknownPerson => "You are not registered with ChatOpsApprover; nothing changed.",
        DecisionOutcome.NotFound => $"There is no request #{requestId}.",
    };

    /// <summary>For a request that does not exist or is not the asker's to see: the same words either way.</summary>
    public static string NotVisible(long requestId) => $"There is no request #{requestId} that you can see; nothing changed.";

    public static string Reminder(AccessRequest request) =>
        $"Reminder: request #{request.Id} — {request.PersonId} asks for {request.RoleName} for {DurationText.Format(request.Duration)} — is waiting for your decision.";

    public static string Escalated(AccessRequest request, RoleDefinition role) =>
        $"Request #{request.Id} — {request.PersonId} asks for {request.RoleName} for {DurationText.Format(request.Duration)} — was escalated to you: nobody decided it within {DurationText.Format(role.EscalateAfter ?? TimeSpan.Zero)}. You may approve or deny it now.";

    /// <summary>The requester's reminder before access ends; says how to extend when the role still allows it.</summary>
    public static string EndingSoon(AccessRequest request, RoleDefinition role, bool mayExtend) =>
        $"Your access to {request.RoleName} (request #{request.Id}) ends soon, at {Time(request.EndsAt!.Value)}."
        + (role.Extend, mayExtend) switch
        {
            (null, _) => " Access to this role cannot be extended; ask again with jit request if you still need it.",
            (_, false) => $" It cannot be extended further: {role.Name} allows at most {DurationText.Format(role.Extend.MaxTotal)} in all. Ask again with jit request if you still need it.",
            (_, true) => $" To keep it longer, pick a duration under Extend, or type: jit extend {request.Id} <duration> (up to {DurationText.Format(ExtensionRules.Remaining(request, role))} more{(role.Extend.RequiresApproval ? "; an approver must agree" : string.Empty)}).",
        };

    /// <summary>What the requester is told when they ask for an extension.</summary>
    public static string ForExtend(ExtendResult result) => result.Outcome switch
    {
        ExtendOutcome.Extended => $"Your access to {result.Request!.RoleName} (request #{result.RequestId}) was extended by {DurationText.Format(result.By)}: it now ends at {Time(result.Request.EndsAt!.Value)}.",
        ExtendOutcome.WaitingForApproval => $"Extension #{result.ExtensionId} asks to keep request #{result.RequestId} {DurationText.Format(result.By)} longer; it waits for an approver of {result.Role!.Name}. Your access still ends at {Time(result.Request!.EndsAt!.Value)} unless it is approved before then.",
        ExtendOutcome.WaitingForYourStepUp => $"Extension #{result.ExtensionId} asks to keep request #{result.RequestId} {DurationText.Format(result.By)} longer; it waits for you to confirm it with your second factor (a link was sent to you in a direct message){(result.Role!.Extend!.RequiresApproval ? $" and for an approver of {result.Role.Name}" : string.Empty)}. Your access still ends at {Time(result.Request!.EndsAt!.Value)} unless it is extended before then.",
        ExtendOutcome.AlreadyWaiting when result.Waiting!.AwaitsStepUpOf(result.Request!.PersonId) =>
            $"Extension #{result.ExtensionId} of request #{result.RequestId} (by {DurationText.Format(result.By)}) already waits for you to confirm it with your second factor; nothing changed. Use the link sent to you, or type jit confirm {result.RequestId} for a fresh one.",
        ExtendOutcome.AlreadyWaiting => $"Extension #{result.ExtensionId} of request #{result.RequestId} (by {DurationText.Format(result.By)}) already waits for an approver; nothing changed. Ask again once it is decided.",
        ExtendOutcome.NotYours => $"You have no request #{result.RequestId}; you may extend only your own active requests (see jit list). Nothing changed.",
        ExtendOutcome.NotExtendable => $"Access to {result.Role?.Name ?? "this role"} cannot be extended (the role has no Extend settings); ask again with jit request if you still need it. Nothing changed.",
        ExtendOutcome.NotActive => $"Request #{result.RequestId} is not active ({Describe(result.Request!)}); only active access can be extended. Nothing changed.",
        ExtendOutcome.Ended => $"Your access of request #{result.RequestId} has already ended; it cannot be extended. Ask again with jit request if you still need it.",
        ExtendOutcome.OverLimit => ExtensionRules.Remaining(result.Request!, result.Role!) is { } left && left > TimeSpan.Zero
            ? $"Extending request #{result.RequestId} by {DurationText.Format(result.By)} is more than {result.Role!.Name} allows: access may last at most {DurationText.Format(result.Role.Extend!.MaxTotal)} from its start, so at most {DurationText.Format(left)} more. Ask for that or less, e.g. jit extend {result.RequestId} {DurationText.Format(left)}. Nothing changed."
            : $"Request #{result.RequestId} cannot be extended further: {result.Role!.Name} allows at most {DurationText.Format(result.Role.Extend!.MaxTotal)} from its start. Ask again with jit request if you still need it. Nothing changed.",
        ExtendOutcome.UnknownPerson => "You are not registered with ChatOpsApprover; nothing changed.",
    };

    /// <summary>What an approver is told about their answer to an extension.</summary>
    public static string ForExtensionDecision(ExtensionDecision decision, long extensionId) => decision switch
    {
        ExtensionDecision.Recorded => $"Your approval of extension #{extensionId} is recorded; more approvals are needed.",
        ExtensionDecision.StepUpRequired => $"Your approval of extension #{extensionId} counts only once you confirm it with your second factor: a link was sent to you in a direct message. Until then nothing changed.",
        ExtensionDecision.AwaitingRequester => $"Your approval of extension #{extensionId} is recorded; the extension now waits for the requester to confirm it with their second factor.",
        ExtensionDecision.Extended => $"You approved extension #{extensionId}: the access now lasts longer.",
        ExtensionDecision.Denied => $"You denied extension #{extensionId}; the access keeps its end.",
        ExtensionDecision.TooLate => $"Extension #{extensionId} came too late: the access had already ended, so it was refused and nothing was granted again.",
        ExtensionDecision.OverLimit => $"Extension #{extensionId} no longer fits the role's Extend:MaxTotal, so it was refused; nothing changed.",
        ExtensionDecision.Lapsed => $"Extension #{extensionId} came too late: the access ended before it was decided, so it lapsed; nothing changed and nothing was granted again.",
        ExtensionDecision.AlreadyDecided => $"Extension #{extensionId} was already decided; nothing changed.",
        ExtensionDecision.AlreadyVotedByYou => $"You already approved extension #{extensionId}; nothing changed.",
        ExtensionDecision.NotAnApprover => $"You are not an approver for extension #{extensionId}; nothing changed.",
        ExtensionDecision.SelfApprovalRefused => $"You cannot decide your own extension #{extensionId}; another approver must.",
        ExtensionDecision.UnknownPerson => "You are not registered with ChatOpsApprover; nothing changed.",
        ExtensionDecision.NotFound => $"There is no extension #{extensionId}.",
    };

    /// <summary>What the requester is told once their extension is decided.</summary>
    public static string ExtensionDecidedForRequester(AccessExtension extension, AccessRequest request) => extension.Status switch
    {
        ExtensionStatus.Approved => $"Extension #{extension.Id} was approved by {extension.DecidedBy}: your access to {request.RoleName} (request #{request.Id}) now ends at {Time(request.EndsAt!.Value)}.",
        ExtensionStatus.Denied => $"Extension #{extension.Id} of request #{request.Id} was denied by {extension.DecidedBy}; your access keeps its end.",
        ExtensionStatus.Refused => $"Extension #{extension.Id} of request #{request.Id} was refused: {extension.Outcome}. Nothing changed.",
        ExtensionStatus.Pending => $"Extension #{extension.Id} of request #{request.Id} still waits for an approver.",
        ExtensionStatus.Lapsed => $"Extension #{extension.Id} of request #{request.Id} lapsed: {extension.Outcome}. Ask again with jit request if you still need access.",
    };

    /// <summary>" for 1h instead of the 2h asked" when an approver granted less; empty otherwise.</summary>
    public static string Shortened(AccessRequest request) =>
        request.ApprovedDuration < request.Duration
            ? $" for {DurationText.Format(request.ApprovedDuration)} instead of the {DurationText.Format(request.Duration)} asked"
            : string.Empty;

    /// <summary>": the reason" of a denial that gave one.</summary>
    public static string Because(Decision? denial) => denial?.Reason is { Length: > 0 } reason ? $": {reason}" : string.Empty;

    public static string NotRegistered(ChatUser user) =>
        $"You ({user.Platform} user {user.PlatformUserId}) are not registered with ChatOpsApprover. Ask an admin to add you under People in the configuration.";

    public static string ForRequest(RequestAccessResult result)
    {
        var what = $"Request #{result.RequestId} for {result.RoleName} ({DurationText.Format(result.Duration)})";
        return result.Outcome switch
        {
            RequestAccessOutcome.Refused => result.Refusal!,
            RequestAccessOutcome.SentToApprovers => $"{what} was sent to its approvers. You will get a message when it is decided.",
            RequestAccessOutcome.AutoApproved => $"{what} needs no approval; access is being granted.",
            RequestAccessOutcome.AutoApprovedAwaitingSecondFactor => $"{what} needs no approval; access starts once you confirm it with your second factor (a link is on its way).",
        };
    }

    public static string ForRevoke(RevokeOutcome outcome, long requestId, AccessRequest? request) => outcome switch
    {
        RevokeOutcome.Revoked => $"Access of request #{requestId} ({request!.RoleName}) was revoked.",
        RevokeOutcome.Withdrawn => $"Request #{requestId} ({request!.RoleName}) was withdrawn before access started.",
        RevokeOutcome.NotFound => $"There is no request #{requestId}. See your requests with: jit list",
        RevokeOutcome.NotAllowed => $"You may not revoke request #{requestId}: only its requester, an approver of its role or an admin may.",
        RevokeOutcome.AlreadyEnded => $"Request #{requestId} has already ended ({Describe(request!)}); nothing changed.",
        RevokeOutcome.TargetUnavailable => $"The target of request #{requestId} did not answer; the revocation is retried until it succeeds.",
    };

    public static string ForConfirm(ConfirmResult result) => result.Outcome switch
    {
        ConfirmOutcome.LinkIssued => result.LinkMessage!,
        ConfirmOutcome.NotFound => $"There is no request #{result.RequestId} waiting for your confirmation. See your requests with: jit list",
        ConfirmOutcome.NotWaiting => $"Request #{result.RequestId} is not waiting for your confirmation ({Describe(result.Request!)}); nothing to confirm.",
    };

    /// <summary>"jit list": a person's open requests, one line each.</summary>
    /// <summary>"jit list" for someone approvers wait on: their own requests, then those waiting for their answer, with card links.</summary>
    public static string RequestList(IReadOnlyList<AccessRequest> open, IReadOnlyList<WaitingRequest> waiting)
    {
        if (waiting.Count == 0)
        {
            return RequestList(open);
        }

        var text = new StringBuilder(open.Count == 0 ? "You have no pending or active requests." : RequestList(open));
        text.Append("\n\nWaiting for your decision:");
        foreach (var (request, link, place) in waiting.Take(ListRequests.MaxWaiting))
        {
            text.Append("\n• #").Append(request.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Append(' ').Append(request.RoleName).Append(" for ").Append(DurationText.Format(request.Duration))
                .Append(", asked by ").Append(request.PersonId)
                .Append(" at ").Append(Time(request.RequestedAt))
                .Append(": ").Append(link is not null ? link.AbsoluteUri : place is not null ? "its card is in " + place : "its card is not posted yet");
        }

        if (waiting.Count > ListRequests.MaxWaiting)
        {
            text.Append("\n…and more; decide these first, or see each role's approval channel.");
        }

        return text.ToString();
    }

    public static string RequestList(IReadOnlyList<AccessRequest> open)
    {
        if (open.Count == 0)
        {
            return "You have no pending or active requests. Ask for access with: jit request <role> <duration> <reason…>";
        }

        var text = new StringBuilder("Your pending and active requests:");
        foreach (var request in open)
        {
            text.Append('\n').Append("• ").Append(Summary(request));
        }

        return text.ToString();
    }

    /// <summary>"jit roles": the roles a person may request, with their limits.</summary>
    public static string RoleList(IReadOnlyList<RoleDefinition> roles)
    {
        if (roles.Count == 0)
        {
            return "There is no role you can request: you have no login at any target. Ask an admin to add your logins under People.";
        }

        var text = new StringBuilder("Roles you may request:");
        foreach (var role in roles)
        {
            var approval = !role.MayNeedApprovers ? "no approval needed" : $"{role.RequiredApprovals} approval(s) from {string.Join(", ", role.Approvers)}";
            if (role.AutoApprove && role.MayNeedApprovers)
            {
                approval += "; auto-approved where the policy allows";
            }

            if (role.Hours is { } hours)
            {
                approval += $"; hours {hours.Describe()}";
            }
            text.Append('\n').Append($"• {role.Name} — {role.Description} (up to {DurationText.Format(role.MaxDuration)}; {approval})");
        }

        return text.ToString();
    }

    /// <summary>One line about a second-factor confirmation, for cards on any platform; null when it no longer matters.</summary>
    public static string? StepUpLine(AccessRequest request, StepUpConfirmation stepUp)
    {
        var who = stepUp.Purpose == StepUpPurpose.Requester ? "the requester" : "approver";
        var risk = (stepUp.Factor is { } factor ? $" with {factor}" : string.Empty) + (stepUp.Risk.IsRisky ? $" — from a {stepUp.Risk.Describe()}" : string.Empty);
        return stepUp.State switch
        {
            StepUpState.Waiting when stepUp.Purpose == StepUpPurpose.Requester && request.Status == RequestStatus.Approved =>
                $"Waiting for {who} {stepUp.PersonId} to confirm with their second factor",
            StepUpState.Waiting when stepUp.Purpose == StepUpPurpose.Approver && request.Status == RequestStatus.Pending =>
                $"Approval by {stepUp.PersonId} waiting for their second-factor confirmation",
            StepUpState.Waiting => null,
            StepUpState.Verified => $"Second factor confirmed by {who} {stepUp.PersonId} at {Time(stepUp.At)}{risk}",
            StepUpState.Refused => $"Second-factor confirmation by {who} {stepUp.PersonId} refused at {Time(stepUp.At)}{risk}",
        };
    }
}
