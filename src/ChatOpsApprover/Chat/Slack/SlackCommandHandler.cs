using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;
using Microsoft.Extensions.Primitives;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>
/// The /jit slash command, answered as an ephemeral message: from POST /slack/commands (signature-verified), or from
/// a Socket Mode envelope (<see cref="HandleVerifiedAsync"/>), whose answer rides on the envelope's acknowledgement.
/// </summary>
public sealed class SlackCommandHandler(SlackSignedFormReader reader, JitCommandDispatcher commands)
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

    /// <summary>A command Slack delivered, checked as Slack's and as its first delivery.</summary>
    public async Task<IResult> HandleVerifiedAsync(Dictionary<string, StringValues> form, CancellationToken cancellationToken)
    {
        var userId = form.GetValueOrDefault("user_id").ToString();
        if (string.IsNullOrEmpty(userId))
        {
            return Results.BadRequest("The slash command payload has no user_id.");
        }

        var command = JitCommandParser.Parse(form.GetValueOrDefault("text").ToString());
        var reply = await commands.HandleAsync(new ChatUser(SlackChat.Key, userId), command, cancellationToken);
        // Replies may carry an enrollment or confirmation link: Slack must not fetch it to draw a preview.
        return Results.Json(new { response_type = "ephemeral", text = SlackText.Escape(reply.Text), unfurl_links = false, unfurl_media = false });
    }
}
