using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;
using Microsoft.Extensions.Primitives;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>
/// The /jit slash command, answered as an ephemeral message: from POST /slack/commands (signature-verified), or from
/// a Socket Mode envelope (<see cref="HandleVerifiedAsync"/>), whose answer rides on the envelope's acknowledgement.
/// </summary>
public sealed class SlackCommandHandler(SlackSignedFormReader reader, JitCommandDispatcher commands, SlackRequestForm requestForm, AccessDirectory directory)
{
    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var (form, refusal) = await reader.ReadAsync(context, ReplayScopeOf);
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

        var text = form.GetValueOrDefault("text").ToString();
        var user = new ChatUser(SlackChat.Key, userId);
        await OpenFormAsync(user, text, form.GetValueOrDefault("trigger_id").ToString(), form.GetValueOrDefault("channel_id").ToString(), cancellationToken);
        var reply = await commands.HandleAsync(user, JitCommandParser.Parse(text), cancellationToken);
        // Replies may carry an enrollment or confirmation link: Slack must not fetch it to draw a preview.
        return Results.Json(new { response_type = "ephemeral", text = SlackText.Escape(reply.Text), unfurl_links = false, unfurl_media = false });
    }

    /// <summary>
    /// The public help text and a usage message (input that does not parse) read nothing and change nothing: a replay
    /// of one to another instance would only show its sender the same text again, so their signatures are claimed in
    /// this instance's memory only. Everything else, and "/jit" or "/jit request" alone (which may open the request
    /// form), is claimed across instances.
    /// </summary>
    private static SlackReplayScope ReplayScopeOf(Dictionary<string, StringValues> form)
    {
        var text = form.GetValueOrDefault("text").ToString();
        if (MayOpenForm(text))
        {
            return SlackReplayScope.AllInstances;
        }

        return JitCommandParser.Parse(text) switch
        {
            JitCommand.Help or JitCommand.Invalid => SlackReplayScope.ThisInstance,
            _ => SlackReplayScope.AllInstances,
        };
    }

    private static bool MayOpenForm(string text)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return words.Length == 0 || (words.Length == 1 && words[0].Equals("request", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// "/jit" alone and "/jit request" without arguments also open the request form for a registered person. The
    /// reply stays the command's own (the usage, or how to write a request), the same words as on every platform, for
    /// whoever prefers typing or when the form could not be opened.
    /// </summary>
    private async Task OpenFormAsync(ChatUser user, string text, string triggerId, string channelId, CancellationToken cancellationToken)
    {
        if (MayOpenForm(text) && !string.IsNullOrEmpty(triggerId) && directory.FindByChatUser(user) is not null)
        {
            await requestForm.OpenAsync(user.PlatformUserId, triggerId, string.IsNullOrEmpty(channelId) ? null : channelId, cancellationToken);
        }
    }
}
