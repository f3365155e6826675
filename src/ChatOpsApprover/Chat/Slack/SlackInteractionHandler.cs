using ChatOpsApprover.Chat.Cards;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Jobs;
using ChatOpsApprover.Requests;
using ChatOpsApprover.StepUp;
using Microsoft.Extensions.Primitives;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>
/// POST /slack/interactions (or a Socket Mode envelope): clicks on approval cards, the deny modal's submission, the
/// "Request access" shortcut and the request modal's submission (<see cref="SlackRequestForm"/>). Approve is decided at once;
/// Deny opens a modal asking why (in the request: the click's trigger_id lives about 3 seconds), and its submission
/// decides, or keeps the modal open when the reason is missing. Slack wants a fast answer; the clicker is told what
/// their answer did by an ephemeral message where they clicked, sent by a job. Approve / Refuse on a new enrollment in
/// the audit channel (StepUp:EnrollmentApproval = Admin) is decided at once, the same way. The Home tab's buttons:
/// Request access opens the request form, Revoke is "/jit revoke", and Approve / Deny are the card's own clicks; a
/// click there has no channel, so its answer goes by direct message.
/// </summary>
public sealed class SlackInteractionHandler(
    SlackSignedFormReader reader,
    DecideOnRequest decide,
    DecideOnEnrollment enrollments,
    ExtendAccess extend,
    DecideOnExtension decideExtension,
    ChatNotifications notifications,
    SlackApiClient api,
    SlackRequestForm requestForm,
    JitCommandDispatcher commands,
    AccessDirectory directory,
    ILogger<SlackInteractionHandler> logger)
{
    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var (form, refusal) = await reader.ReadAsync(context);
        if (refusal is not null)
        {
            return refusal;
        }

        return await HandleVerifiedAsync(form!, context.RequestAborted);
    }

    /// <summary>An interaction Slack delivered (its payload field), checked as Slack's and as its first delivery.</summary>
    public async Task<IResult> HandleVerifiedAsync(Dictionary<string, StringValues> form, CancellationToken cancellationToken)
    {
        var payload = form.GetValueOrDefault("payload").ToString();
        if (SlackRequestSubmission.TryRead(payload) is { } request)
        {
            return await requestForm.SubmitAsync(request, cancellationToken);
        }

        if (SlackRequestRolePick.TryRead(payload) is { } pick)
        {
            await requestForm.RolePickedAsync(pick, cancellationToken);
            return Results.Ok();
        }

        if (SlackShortcut.TryRead(payload) is { } shortcut)
        {
            if (shortcut.CallbackId != SlackRequestModal.ShortcutCallbackId)
            {
                return Results.BadRequest($"Unknown shortcut \"{shortcut.CallbackId}\"; this app has one: {SlackRequestModal.ShortcutCallbackId}.");
            }

            // A shortcut has no channel to answer in: whatever happens is shown in the modal itself.
            await requestForm.OpenAsync(shortcut.UserId, shortcut.TriggerId, channelId: null, cancellationToken);
            return Results.Ok();
        }

        if (SlackHomeAction.TryRead(payload) is { } home)
        {
            await HomeClickAsync(home, cancellationToken);
            return Results.Ok();
        }

        if (SlackDenySubmission.TryRead(payload) is { } submission)
        {
            return await SubmitDenialAsync(submission, cancellationToken);
        }

        if (SlackEnrollmentAction.TryRead(payload) is { } enrollment)
        {
            if (!enrollment.IsComplete)
            {
                return Results.BadRequest("The enrollment button's payload does not say who clicked (user.id) or which enrollment (value, an id).");
            }

            var (_, message) = await enrollments.DecideAsync(new ChatUser(SlackChat.Key, enrollment.UserId), enrollment.EnrollmentId, enrollment.Approve, cancellationToken);
            Tell(enrollment.UserId, enrollment.ChannelId, message);
            return Results.Ok();
        }

        if (!SlackBlockAction.TryRead(payload, out var action, out var error))
        {
            return Results.BadRequest(error);
        }

        var user = new ChatUser(SlackChat.Key, action.UserId);
        if (action.ActionId == SlackApprovalCard.DenyAction)
        {
            await OpenDenyModalAsync(user, action, cancellationToken);
            return Results.Ok();
        }

        if (action.ActionId == EndingSoonNotice.ExtendId)
        {
            Tell(action.UserId, action.ChannelId, RequestMessages.ForExtend(await extend.AskAsync(user, action.RequestId, action.Duration!.Value, cancellationToken)));
            return Results.Ok();
        }

        if (action.ActionId is CardAction.ApproveExtensionId or CardAction.DenyExtensionId)
        {
            var (decision, _) = await decideExtension.DecideAsync(user, action.RequestId, action.ActionId == CardAction.ApproveExtensionId, cancellationToken);
            Tell(action.UserId, action.ChannelId, RequestMessages.ForExtensionDecision(decision, action.RequestId));
            return Results.Ok();
        }

        var result = await decide.DecideAsync(user, new DecisionInput(action.RequestId, Approve: true, action.ChannelId, Duration: action.Duration), cancellationToken);
        Tell(action.UserId, action.ChannelId, result.Message);
        return Results.Ok();
    }

    private async Task HomeClickAsync(SlackHomeAction home, CancellationToken cancellationToken)
    {
        if (home.RequestId is { } requestId)
        {
            // Exactly the typed command: the same rule (AccessPolicy.MayRevoke) and the same answer.
            var reply = await commands.HandleAsync(new ChatUser(SlackChat.Key, home.UserId), new JitCommand.Revoke(requestId), cancellationToken);
            Tell(home.UserId, channelId: null, reply.Text);
            return;
        }

        if (home.TriggerId is null || !await requestForm.OpenAsync(home.UserId, home.TriggerId, channelId: null, cancellationToken))
        {
            Tell(home.UserId, channelId: null, "The request form could not be opened; click Request access again, or type: /jit request <role> <duration> <reason…>");
        }
    }

    /// <summary>Asks why, but only someone whose denial would count; anyone else is told why not at once.</summary>
    private async Task OpenDenyModalAsync(ChatUser user, SlackBlockAction action, CancellationToken cancellationToken)
    {
        var check = await decide.CheckAsync(user, action.RequestId);
        if (check != DecisionOutcome.Recorded || action.TriggerId is null)
        {
            Tell(action.UserId, action.ChannelId, RequestMessages.ForDecision(check == DecisionOutcome.Recorded ? DecisionOutcome.ReasonRequired : check, action.RequestId));
            return;
        }

        if (await api.TryOpenViewAsync(action.TriggerId, SlackDenyModal.View(action.RequestId, action.ChannelId), cancellationToken) is { } failure)
        {
            logger.LogWarning("Slack views.open for the deny form of request {RequestId} failed: {Why}; the approver is asked to click Deny again", action.RequestId, failure);
            Tell(action.UserId, action.ChannelId, $"The form to deny request #{action.RequestId} could not be opened; click Deny again. Nothing changed.");
        }
    }

    private async Task<IResult> SubmitDenialAsync(SlackDenySubmission submission, CancellationToken cancellationToken)
    {
        var result = await decide.DecideAsync(new ChatUser(SlackChat.Key, submission.UserId), new DecisionInput(submission.RequestId, Approve: false, submission.ChannelId, submission.Reason), cancellationToken);
        if (result.Outcome == DecisionOutcome.ReasonRequired)
        {
            return SlackDenyModal.Errors("Say why you deny the request: the requester reads this.");
        }

        // An empty answer closes the modal; what the submission did is said where the card is.
        Tell(submission.UserId, submission.ChannelId, result.Message);
        return Results.Ok();
    }

    private void Tell(string userId, string? channelId, string message)
    {
        if (channelId is not null)
        {
            notifications.TellUser(SlackChat.Key, userId, channelId, message);
        }
        else if (directory.FindByChatUser(new ChatUser(SlackChat.Key, userId)) is { } person)
        {
            // A click in the Home tab is in no channel: the answer goes by direct message.
            notifications.TellPerson(person.Id, SlackChat.Key, message);
        }
    }
}
