using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// The pages of a link that confirms an extension (<see cref="StoredLink.ExtensionId"/>): the form, each outcome and
/// why nothing can be confirmed. Links themselves (used, expired, locked, factor problems) are <see cref="LinkPageViews"/>'.
/// </summary>
public static class ExtensionLinkPageViews
{
    public static LinkPageView Gone(StoredLink link) =>
        new(410, LinkPageTone.Problem, "Nothing to confirm", $"Extension #{link.ExtensionId}, its request #{link.RequestId} or its role no longer exists. Nothing was changed.")
        {
            ForPerson = link.PersonId,
            Next = "See your requests in chat with: jit list",
        };

    /// <summary>The extension was decided, lapsed, or no longer waits for this person (or their answer would no longer count).</summary>
    public static LinkPageView NothingToConfirm(StoredLink link, AccessExtension extension, AccessRequest request) =>
        new(409, LinkPageTone.Problem, "Nothing to confirm",
            $"Extension #{extension.Id} of request #{request.Id} ({request.RoleName} for {request.PersonId}) is {Describe(extension)}, and the request is {RequestMessages.Describe(request)}, so a confirmation would change nothing. Nothing was changed.")
        {
            ForPerson = link.PersonId,
            Next = "See your requests in chat with: jit list",
        };

    public static LinkPageView Form(StoredLink link, AccessExtension extension, AccessRequest request, RoleDefinition role, string? codeError)
    {
        var approvers = extension.ApprovedBy;
        var (title, message, approverFact, confirming) = link.StepUp.Purpose switch
        {
            StepUpPurpose.Requester => (
                $"Confirm your extension #{extension.Id}",
                "The end of your access moves only once you confirm with the code from your authenticator app. Check that this is the extension you asked for.",
                !(role.Extend?.RequiresApproval ?? true) ? "no approval needed (policy)" : approvers.Count == 0 ? "none yet" : string.Join(", ", approvers),
                "your own extension"),
            StepUpPurpose.Approver => (
                $"Confirm your approval of extension #{extension.Id}",
                "Your approval counts only once you confirm it with the code from your authenticator app. Check that this is the extension you mean to approve.",
                link.PersonId + " (you)" + (approvers.Count == 0 ? string.Empty : "; already approved by " + string.Join(", ", approvers)),
                "your approval of an extension"),
        };
        var ends = request.EndsAt is { } end ? $"; access now ends at {RequestMessages.Time(end)}" : string.Empty;
        return new LinkPageView(codeError is null ? 200 : 422, LinkPageTone.Form, title, message)
        {
            ForPerson = link.PersonId,
            Request = new RequestFacts(request.Id, request.PersonId, role.Name, role.Description, $"{DurationText.Format(extension.Duration)} more (extension #{extension.Id}{ends})", request.Reason, approverFact, confirming),
            CodeForm = true,
            CodeError = codeError,
            Next = $"This link works once, until {RequestMessages.Time(link.ExpiresAt)}.",
        };
    }

    public static LinkPageView Refused(StoredLink link, AccessExtension extension, AccessRequest request, IEnumerable<string> approvers, StepUpRisk risk)
    {
        var contact = string.Join(", ", approvers.Where(a => a != link.PersonId).Order(StringComparer.Ordinal));
        var outcome = link.StepUp.Purpose switch
        {
            StepUpPurpose.Requester => $"Extension #{extension.Id} was refused; your access keeps its end.",
            StepUpPurpose.Approver => $"Your approval of extension #{extension.Id} was not counted.",
        };
        return new LinkPageView(403, LinkPageTone.Problem, "Confirmation refused",
            $"Your code was right, but it came from a {risk.Describe()} that you have not confirmed from before, and {request.RoleName} does not allow that. " + outcome)
        {
            ForPerson = link.PersonId,
            Next = $"Contact an approver of {request.RoleName}{(contact.Length > 0 ? $" ({contact})" : string.Empty)} to confirm it is you; they can help you from a device and network you have used before.",
        };
    }

    /// <param name="decision">What the confirmation did: Recorded, AwaitingRequester, Extended, TooLate or OverLimit.</param>
    public static LinkPageView Confirmed(StoredLink link, AccessExtension extension, AccessRequest request, ExtensionDecision decision, StepUpRisk risk, string? rememberDevice)
    {
        var id = extension.Id;
        var (status, tone, title, message) = decision switch
        {
            ExtensionDecision.Extended => (200, LinkPageTone.Success, "Confirmed", $"Extension #{id} is approved: access to {request.RoleName} (request #{request.Id}) now lasts {DurationText.Format(extension.Duration)} longer."),
            ExtensionDecision.Recorded => (200, LinkPageTone.Success, "Confirmed", link.StepUp.Purpose == StepUpPurpose.Requester
                ? $"Your extension #{id} is confirmed; it now waits for an approver of {request.RoleName}."
                : $"Your approval of extension #{id} is counted; more approvals are needed."),
            ExtensionDecision.AwaitingRequester => (200, LinkPageTone.Success, "Approval confirmed", $"Your approval of extension #{id} is counted; it now waits for {request.PersonId} to confirm it with their second factor."),
            ExtensionDecision.TooLate => (409, LinkPageTone.Problem, "Too late", $"Access of request #{request.Id} had already ended, so extension #{id} was refused and nothing was granted again."),
            ExtensionDecision.OverLimit => (409, LinkPageTone.Problem, "No room left", $"Extension #{id} no longer fits {request.RoleName}'s Extend:MaxTotal, so it was refused; nothing changed."),
            ExtensionDecision.StepUpRequired or ExtensionDecision.Denied or ExtensionDecision.Lapsed or ExtensionDecision.AlreadyDecided or ExtensionDecision.AlreadyVotedByYou or ExtensionDecision.NotAnApprover
                or ExtensionDecision.SelfApprovalRefused or ExtensionDecision.UnknownPerson or ExtensionDecision.NotFound =>
                throw new ArgumentOutOfRangeException(nameof(decision), decision, "A confirmation is counted, or refused as too late or too long."),
        };
        return new LinkPageView(status, tone, title,
            message + (risk.IsRisky ? $" This confirmation came from a {risk.Describe()}; approvers can see that in the audit trail." : string.Empty))
        {
            ForPerson = link.PersonId,
            RememberDevice = rememberDevice,
            Next = "You can close this page.",
        };
    }

    private static string Describe(AccessExtension extension) => extension.Status switch
    {
        ExtensionStatus.Pending => "waiting",
        ExtensionStatus.Approved => "approved",
        ExtensionStatus.Denied => "denied",
        ExtensionStatus.Refused => "refused",
        ExtensionStatus.Lapsed => "lapsed (the access ended before it was decided)",
    };
}
