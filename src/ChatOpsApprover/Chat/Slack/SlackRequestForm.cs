using System.Globalization;
using System.Text.Json.Nodes;
using ChatOpsApprover.Chat.Cards;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Jobs;
using ChatOpsApprover.Requests;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>
/// The request modal's two moments: opening it for a person (views.open with the trigger_id, while the command or
/// shortcut is being answered: the trigger lives about 3 seconds), and its submission, checked like the typed command —
/// problems come back on the block they concern and keep the modal open; a valid one closes it and goes to
/// <see cref="RequestAccess"/>, exactly as "/jit request" does.
/// </summary>
public sealed class SlackRequestForm(
    AccessDirectory directory,
    ListRoles listRoles,
    RequestAccess requestAccess,
    SlackApiClient api,
    ChatNotifications notifications,
    ILogger<SlackRequestForm> logger)
{
    /// <summary>
    /// Opens the form (or, for someone not registered or with no role to request, a modal that says so); false when
    /// Slack did not open it in time, so the caller answers in text.
    /// </summary>
    public async Task<bool> OpenAsync(string userId, string triggerId, string? channelId, CancellationToken cancellationToken)
    {
        var user = new ChatUser(SlackChat.Key, userId);
        JsonObject view;
        if (directory.FindByChatUser(user) is not { } person)
        {
            view = SlackRequestModal.Notice(RequestMessages.NotRegistered(user));
        }
        else
        {
            var roles = listRoles.List(person);
            view = roles.Count == 0 ? SlackRequestModal.Notice(RequestMessages.RoleList(roles)) : SlackRequestModal.View(roles, channelId);
        }

        if (await api.TryOpenViewAsync(triggerId, view, cancellationToken) is { } failure)
        {
            logger.LogWarning("Slack views.open for the request form failed: {Why}; the person is answered in text instead", failure);
            return false;
        }

        return true;
    }

    /// <summary>
    /// A role was picked in the open form: its durations become that role's (up to its maximum), keeping what was chosen
    /// and typed. Best effort: if Slack refuses (the view changed meanwhile), the submission is still checked.
    /// </summary>
    public async Task RolePickedAsync(SlackRequestRolePick pick, CancellationToken cancellationToken)
    {
        if (directory.FindByChatUser(new ChatUser(SlackChat.Key, pick.UserId)) is not { } person)
        {
            return;
        }

        var roles = listRoles.List(person);
        if (roles.FirstOrDefault(r => r.Name == pick.Role) is not { } picked)
        {
            return;
        }

        if (await api.TryUpdateViewAsync(pick.ViewId, pick.Hash, SlackRequestModal.View(roles, pick.ChannelId, picked, pick.Duration, pick.Reason), cancellationToken) is { } failure)
        {
            logger.LogWarning("Slack views.update of the request form after a role was picked failed: {Why}; the submission is still checked against the role's maximum", failure);
        }
    }

    public async Task<IResult> SubmitAsync(SlackRequestSubmission submission, CancellationToken cancellationToken)
    {
        var values = new RequestFormValues(submission.Role, submission.Duration is { } d ? ((long)d.TotalSeconds).ToString(CultureInfo.InvariantCulture) : null, submission.Reason);
        var (input, errors) = RequestFormSubmission.Check(values, directory.FindRole);
        if (input is null)
        {
            // The form's fields are the modal's blocks.
            return SlackRequestModal.Errors(errors);
        }

        var user = new ChatUser(SlackChat.Key, submission.UserId);
        var result = await requestAccess.RequestAsync(user, input, cancellationToken);
        if (result.Outcome == RequestAccessOutcome.Refused)
        {
            // Who may request what, and where they have a login, is about the role.
            return SlackRequestModal.Errors(new Dictionary<string, string> { [SlackRequestModal.RoleBlock] = result.Refusal! });
        }

        // The modal closes; the requester is told what the command would have answered, where they typed it, or by DM.
        var reply = RequestMessages.ForRequest(result);
        if (submission.ChannelId is { } channel)
        {
            notifications.TellUser(SlackChat.Key, submission.UserId, channel, reply);
        }
        else if (directory.FindByChatUser(user) is { } person)
        {
            notifications.TellPerson(person.Id, SlackChat.Key, reply);
        }

        return Results.Ok();
    }
}
