using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>POST /slack/commands: the /jit slash command, answered in the HTTP response as an ephemeral message.</summary>
public sealed class SlackCommandHandler(SlackSignedFormReader reader, JitCommandDispatcher commands)
{
    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var (form, refusal) = await reader.ReadAsync(context);
        if (refusal is not null)
        {
            return refusal;
        }

        var userId = form!.GetValueOrDefault("user_id").ToString();
        if (string.IsNullOrEmpty(userId))
        {
            return Results.BadRequest("The slash command payload has no user_id.");
        }

        var command = JitCommandParser.Parse(form!.GetValueOrDefault("text").ToString());
        var reply = await commands.HandleAsync(new ChatUser(SlackChat.Key, userId), command, context.RequestAborted);
        // Replies may carry an enrollment or confirmation link: Slack must not fetch it to draw a preview.
        return Results.Json(new { response_type = "ephemeral", text = SlackText.Escape(reply.Text), unfurl_links = false, unfurl_media = false });
    }
}
