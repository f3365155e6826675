using System.Globalization;
using ChatOpsApprover.Domain;

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
        RequestStatus.Denied => $"denied by {request.Denial?.ApproverId ?? "an approver"}",
        RequestStatus.Failed => $"could not be granted: {request.FailureReason}",
    };

    /// <summary>What the requester is told privately when their request changes.</summary>
    public static string ForRequester(AccessRequest request) => request.Status switch
    {
        RequestStatus.Pending => $"Your request #{request.Id} for {request.RoleName} is {Describe(request)}.",
        RequestStatus.Approved when StepUpRules.WaitingForRequester(request) is not null => $"Your request #{request.Id} for {request.RoleName} was approved; access starts once you confirm it with your second factor (see the link sent to you, or type: jit confirm {request.Id}).",
        RequestStatus.Approved => $"Your request #{request.Id} for {request.RoleName} was approved; access is being granted.",
        RequestStatus.Active => $"Your access to {request.RoleName} (request #{request.Id}) is active until {Time(request.EndsAt!.Value)}.{HeldOutside(request)}",
        RequestStatus.Expired => $"Your access to {request.RoleName} (request #{request.Id}) has ended.{SessionsClosed(request)}",
        RequestStatus.Revoked => $"Your request #{request.Id} for {request.RoleName} was revoked by {request.EndedBy}.{SessionsClosed(request)}",
        RequestStatus.Denied => $"Your request #{request.Id} for {request.RoleName} was denied by {request.Denial?.ApproverId ?? "an approver"}.",
        RequestStatus.Failed => $"Your request #{request.Id} for {request.RoleName} could not be granted: {request.FailureReason}. Ask an approver for help.",
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
        DecisionOutcome.AlreadyVotedByYou => $"You already answered request #{requestId}; nothing changed.",
        DecisionOutcome.NotAnApprover => $"You are not an approver for request #{requestId}; nothing changed.",
        DecisionOutcome.SelfApprovalRefused => $"You cannot decide your own request #{requestId}; another approver must.",
        DecisionOutcome.UnknownPerson => "You are not registered with ChatOpsApprover; nothing changed.",
        DecisionOutcome.NotFound => $"There is no request #{requestId}.",
    };

    /// <summary>One line about a second-factor confirmation, for cards on any platform; null when it no longer matters.</summary>
    public static string? StepUpLine(AccessRequest request, StepUpConfirmation stepUp)
    {
        var who = stepUp.Purpose == StepUpPurpose.Requester ? "the requester" : "approver";
        var risk = stepUp.Risk.IsRisky ? $" — from a {stepUp.Risk.Describe()}" : string.Empty;
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
