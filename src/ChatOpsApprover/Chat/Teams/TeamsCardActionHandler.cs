using ChatOpsApprover.Audit;
using ChatOpsApprover.Chat.Cards;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;
using ChatOpsApprover.StepUp;

namespace ChatOpsApprover.Chat.Teams;

/// <summary>
/// A click on an approval card (an adaptiveCard/action invoke): Approve and Deny (with the reason typed on the card)
/// go through the same decision as on Slack, and the invoke is answered with the card as it now stands and a line for
/// the clicker — a Deny without a reason keeps the card as it was, with its buttons, saying a reason is required.
/// Approve / Refuse on a new enrollment in the audit channel (StepUp:EnrollmentApproval = Admin) is answered with a line.
/// </summary>
public sealed class TeamsCardActionHandler(DecideOnRequest decide, DecideOnEnrollment enrollments, ExtendAccess extend, DecideOnExtension decideExtension, AccessDirectory directory, RequestStore requests)
{
    public const string InvokeName = "adaptiveCard/action";

    public async Task<IResult> HandleAsync(TeamsActivity activity, CancellationToken cancellationToken)
    {
        if (activity.TryReadExecute(out var enrollmentVerb, out _) && enrollmentVerb is AuditEventCard.ApproveEnrollmentId or AuditEventCard.RefuseEnrollmentId)
        {
            if (!Guid.TryParse(activity.ExecuteInput(AuditEventCard.EnrollmentField), out var enrollment) || activity.FromAadObjectId is not { } admin)
            {
                return TeamsInvokeResponse.Error(400, "BadRequest", $"The enrollment action needs an {AuditEventCard.EnrollmentField} in its data and who clicked (from.aadObjectId).");
            }

            var (_, message) = await enrollments.DecideAsync(new ChatUser(TeamsChat.Key, admin), enrollment, enrollmentVerb == AuditEventCard.ApproveEnrollmentId, cancellationToken);
            return TeamsInvokeResponse.Message(message);
        }

        if (!activity.TryReadExecute(out var verb, out var requestId) || requestId == 0)
        {
            return TeamsInvokeResponse.Error(400, "BadRequest", "The card action is not an Action.Execute with a requestId in its data.");
        }

        if (activity.FromAadObjectId is not { } aad)
        {
            return TeamsInvokeResponse.Error(400, "BadRequest", "The card action does not say who clicked (from.aadObjectId).");
        }

        var clicker = new ChatUser(TeamsChat.Key, aad);

        // The ending-soon message's Extend, with the duration chosen on it: answered with a line, the message stays.
        if (verb == EndingSoonNotice.ExtendId)
        {
            return ChosenDuration(activity) is { } by && by > TimeSpan.Zero
                ? TeamsInvokeResponse.Message(RequestMessages.ForExtend(await extend.AskAsync(clicker, requestId, by, cancellationToken)))
                : TeamsInvokeResponse.Message($"Pick how much longer you need request #{requestId}, then click Extend. Nothing changed.");
        }

        // An extension's card: the id is the extension's. The answer is the card as it now stands, for approvers.
        if (verb is CardAction.ApproveExtensionId or CardAction.DenyExtensionId)
        {
            var (decision, extension) = await decideExtension.DecideAsync(clicker, requestId, verb == CardAction.ApproveExtensionId, cancellationToken);
            var message = RequestMessages.ForExtensionDecision(decision, requestId);
            var extended = extension is null ? null : await requests.FindAsync(extension.RequestId);
            var extensionRole = extended is null ? null : directory.FindRole(extended.RoleName);
            var visible = extension is not null && extended is not null && extensionRole is not null && directory.FindByChatUser(clicker) is { } viewer
                && AccessPolicy.MaySee(directory, extended, extensionRole, viewer);
            return visible
                ? TeamsInvokeResponse.Card(TeamsApprovalCard.Render(ExtensionCardBuilder.Build(extension!, extended!, extensionRole!, message)))
                : TeamsInvokeResponse.Message(message);
        }

        string? notice = null;
        if (verb is TeamsApprovalCard.ApproveVerb or TeamsApprovalCard.DenyVerb)
        {
            var approve = verb == TeamsApprovalCard.ApproveVerb;
            var reason = approve ? null : activity.ExecuteInput(TeamsApprovalCard.ReasonInput);
            var duration = approve ? ChosenDuration(activity) : null;
            var result = await decide.DecideAsync(clicker, new DecisionInput(requestId, approve, Reason: reason, Duration: duration), cancellationToken);
            notice = result.Message;
        }

        // Anything else (Teams' automatic "refresh", any verb) gets the card as it stands, but only for those who may see
        // the request: an invoke can name any request id. Everyone else hears the same whether it exists or not.
        var person = directory.FindByChatUser(clicker);
        var request = person is null ? null : await requests.FindAsync(requestId);
        var role = request is null ? null : directory.FindRole(request.RoleName);
        if (request is null || role is null || !AccessPolicy.MaySee(directory, request, role, person!))
        {
            return TeamsInvokeResponse.Message(notice ?? (person is null ? RequestMessages.ForDecision(DecisionOutcome.UnknownPerson, requestId) : RequestMessages.NotVisible(requestId)));
        }

        return TeamsInvokeResponse.Card(TeamsApprovalCard.Render(ApprovalCardBuilder.Build(request, role, notice)));
    }

    /// <summary>The shorter duration chosen on the card, in seconds; anything unreadable is a duration never offered.</summary>
    private static TimeSpan? ChosenDuration(TeamsActivity activity) =>
        activity.ExecuteInput(TeamsApprovalCard.DurationInput) is not { } chosen ? null
        : long.TryParse(chosen, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and <= 366 * 86_400 ? TimeSpan.FromSeconds(seconds)
        : TimeSpan.Zero;
}
