using ChatOpsApprover.Chat.Cards;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;

namespace ChatOpsApprover.Chat.Teams;

/// <summary>
/// A message to the bot: a jit command, run once per activity (the connector retries when we are slow), answered in
/// the 1:1 chat, or from a channel or group chat privately in the asker's 1:1 chat.
/// </summary>
public sealed class TeamsMessageHandler(
    JitCommandDispatcher commands,
    TeamsUserStore users,
    ConnectorClient connector,
    TeamsPlatform platform,
    TeamsRequestFormHandler forms,
    TimeProvider time,
    ILogger<TeamsMessageHandler> logger)
{
    public async Task<IResult> HandleAsync(TeamsActivity activity, CancellationToken cancellationToken)
    {
        if (activity.Id is null)
        {
            return Results.BadRequest("The message activity has no id.");
        }

        // The connector retries when we are slow: a command runs once per activity.
        if (!await users.TryClaimActivityAsync(activity.ConversationId!, activity.Id, time.GetUtcNow()))
        {
            return Results.Ok();
        }

        var commandText = TeamsText.CommandText(activity.Text);
        if (activity.IsPersonal && TeamsRequestFormHandler.IsAskedFor(commandText) && activity.FromAadObjectId is { } asker && forms.FormFor(asker) is { } form)
        {
            // "jit request" alone in the 1:1 chat: the form instead of the grammar.
            await SendAsync(activity, AdaptiveCards.Activity(TeamsRequestForm.Render(form), RequestForm.Title), cancellationToken);
            return Results.Ok();
        }

        ChatReply reply;
        try
        {
            reply = activity.FromAadObjectId is { } aad
                ? await commands.HandleAsync(new ChatUser(TeamsChat.Key, aad), JitCommandParser.Parse(commandText), cancellationToken)
                : new ChatReply("Your Teams account has no Microsoft Entra object id, so ChatOpsApprover cannot tell who you are.");
        }
        catch
        {
            // Not answered: the connector's retry may run it.
            await users.ReleaseActivityAsync(activity.ConversationId!, activity.Id);
            throw;
        }

        await ReplyAsync(activity, reply.Text, cancellationToken);
        return Results.Ok();
    }

    private async Task ReplyAsync(TeamsActivity activity, string text, CancellationToken cancellationToken)
    {
        try
        {
            if (!activity.IsPersonal && activity.FromAadObjectId is { } asker)
            {
                // Like Slack's ephemeral replies: an answer (it may hold an enrollment or confirmation link, or someone's
                // requests) goes to the asker's 1:1 chat, never to everyone in the channel.
                text = await platform.SendPrivatelyAsync(asker, text, cancellationToken)
                    ? "I have answered you in our 1:1 chat."
                    : "I could not reach you in a 1:1 chat: write to me there, e.g. jit help.";
            }

            await SendAsync(activity, TeamsPlatform.TextActivity(text), cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // The command itself is done; a lost reply is not worth a retry that the deduplication would drop anyway.
            logger.LogWarning("Could not send the reply to a Teams command: {Error}", e.Message);
        }
    }

    private async Task SendAsync(TeamsActivity activity, System.Text.Json.Nodes.JsonObject reply, CancellationToken cancellationToken)
    {
        try
        {
            // The serviceUrl was checked against the token: it is the connector that sent this activity.
            await connector.ReplyAsync(new Uri(activity.ServiceUrl!), activity.ConversationId!, activity.Id!, reply, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // The command itself is done; a lost reply is not worth a retry that the deduplication would drop anyway.
            logger.LogWarning("Could not send the reply to a Teams command: {Error}", e.Message);
        }
    }
}
