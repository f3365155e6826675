using System.Text;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;

namespace ChatOpsApprover.BreakGlass;

/// <summary>The plain-text sentences about break-glass, the same on every platform. Adapters escape them for their markup.</summary>
public static class BreakGlassMessages
{
    public static string ForUse(BreakGlassResult result) => result.Refusal ??
        $"Break-glass request #{result.RequestId} for {result.RoleName} ({DurationText.Format(result.Duration)}) needs no approver, but access starts only once you confirm it with your second factor (a link is on its way). " +
        "This use was announced to the role's approvers and the audit channel, and an approver will review it.";

    /// <summary>The alert for the approval and audit channels.</summary>
    public static string Alert(AccessRequest request) =>
        $"BREAK-GLASS: {request.PersonId} took {request.RoleName} for {DurationText.Format(request.Duration)} without approval (request #{request.Id}, {RequestMessages.Time(request.RequestedAt)}). " +
        $"Reason: {request.Reason}. Access starts once they confirm with their second factor. " +
        $"An approver of {request.RoleName} must review it: jit review {request.Id} <note>";

    public static string ForReview(ReviewOutcome outcome, long requestId, AccessRequest? request) => outcome switch
    {
        ReviewOutcome.Reviewed => request!.BreakGlass
            ? $"You reviewed break-glass request #{requestId} ({request.RoleName} by {request.PersonId}); the review is closed and recorded in the audit log."
            : $"You reviewed the step-ups marked for review on request #{requestId} ({request.RoleName} by {request.PersonId}; marked: {string.Join(", ", request.ReviewMarkedFor)}); the review is closed and recorded in the audit log.",
        ReviewOutcome.NotBreakGlass => $"Request #{requestId} was not made with break-glass and has no step-up marked for review; there is nothing to review. Nothing changed.",
        ReviewOutcome.OwnStepUpRefused => $"Your own step-up on request #{requestId} was marked for review; another approver of {request!.RoleName} must review it. Nothing changed.",
        ReviewOutcome.AlreadyReviewed => $"{(request!.BreakGlass ? "Break-glass request" : "Request")} #{requestId} was already reviewed by {request!.ReviewedBy} at {RequestMessages.Time(request.ReviewedAt!.Value)}; nothing changed.",
        ReviewOutcome.OwnUseRefused => $"You cannot review your own {(request!.BreakGlass ? "break-glass " : string.Empty)}request #{requestId}; another approver of {request.RoleName} must. Nothing changed.",
        ReviewOutcome.NotAnApprover => $"Only an approver of {request!.RoleName} may review break-glass request #{requestId}; nothing changed.",
        ReviewOutcome.NotFound => RequestMessages.NotVisible(requestId),
    };

    /// <summary>For "jit list": the break-glass uses waiting for this approver's review; empty when there are none.</summary>
    public static string Unreviewed(IReadOnlyList<AccessRequest> uses)
    {
        if (uses.Count == 0)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        var breakGlass = uses.Where(u => u.BreakGlass).ToList();
        if (breakGlass.Count > 0)
        {
            text.Append("\nBreak-glass uses waiting for review (jit review <id> <note>):");
        }

        foreach (var use in breakGlass)
        {
            text.Append('\n').Append($"• #{use.Id} {use.RoleName} for {DurationText.Format(use.Duration)} by {use.PersonId} at {RequestMessages.Time(use.RequestedAt)} — {RequestMessages.Describe(use)} — reason: {use.Reason}");
        }

        var marked = uses.Where(u => !u.BreakGlass).ToList();
        if (marked.Count > 0)
        {
            text.Append("\nStep-ups marked for review (jit review <id> <note>):");
        }

        foreach (var request in marked)
        {
            text.Append('\n').Append($"• #{request.Id} {request.RoleName} for {DurationText.Format(request.Duration)} by {request.PersonId} — {RequestMessages.Describe(request)} — risky step-up by {string.Join(", ", request.ReviewMarkedFor)}");
        }

        return text.ToString();
    }
}
