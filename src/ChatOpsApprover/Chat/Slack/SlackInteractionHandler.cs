using ChatOpsApprover.Domain;
using ChatOpsApprover.Jobs;
using ChatOpsApprover.Requests;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>
/// POST /slack/interactions: Approve and Deny clicks on approval cards. Slack wants a fast empty 200; the clicker is
/// told what their click did by an ephemeral message where they clicked, sent by a job.
/// </summary>
public sealed class SlackInteractionHandler(SlackSignedFormReader reader, DecideOnRequest decide, ChatNotifications notifications)
{
    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var (form, refusal) = await reader.ReadAsync(context);
        if (refusal is not null)
        {
            return refusal;
        }

        if (!SlackBlockAction.TryRead(form!.GetValueOrDefault("payload").ToString(), out var action, out var error))
        {
            return Results.BadRequest(error);
        }

        var approve = action.ActionId == SlackApprovalCard.ApproveAction;
        var result = await decide.DecideAsync(new ChatUser(SlackChat.Key, action.UserId), new DecisionInput(action.RequestId, approve, action.ChannelId), context.RequestAborted);
        if (action.ChannelId is not null)
        {
            notifications.TellUser(SlackChat.Key, action.UserId, action.ChannelId, result.Message);
        }

        return Results.Ok();
    }
}
