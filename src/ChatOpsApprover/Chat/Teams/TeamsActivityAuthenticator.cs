using ChatOpsApprover.Audit;

namespace ChatOpsApprover.Chat.Teams;

/// <summary>
/// Reads an activity posted to /api/messages and authenticates it: the Bot Connector's token must be valid for this
/// bot and match the activity's serviceUrl and channel. A handler gets the activity only from an authenticated
/// request; anything else gets the refusal to answer with.
/// </summary>
public sealed class TeamsActivityAuthenticator(BotFrameworkTokenValidator validator, SignatureFailureMonitor failures)
{
    /// <summary>Activities take tens of kilobytes (a card action carries its card's data, a message its entities).</summary>
    public const int MaxBodyBytes = 128 * 1024;

    public async Task<(TeamsActivity? Activity, IResult? Refusal)> ReadAsync(HttpContext context)
    {
        if (await InboundBody.ReadAsync(context, MaxBodyBytes) is not { } body)
        {
            return (null, Results.Text("The activity is larger than 128 KB.", statusCode: StatusCodes.Status413PayloadTooLarge));
        }

        // The serviceUrl and channel are read before authentication only to compare them with the token's claims.
        var activity = TeamsActivity.Parse(body);
        if (await validator.RefusalAsync(context.Request.Headers.Authorization, activity?.ServiceUrl, activity?.ChannelId, context.RequestAborted) is not null)
        {
            // Counted in memory only; a burst becomes one audit entry.
            failures.Record(TeamsChat.Key, context.Request.Path, context.Connection.RemoteIpAddress?.ToString());
            return (null, Results.Text("The request is not authenticated by the Bot Connector for this bot.", statusCode: StatusCodes.Status401Unauthorized));
        }

        if (activity?.Type is null || activity.ConversationId is null)
        {
            return (null, Results.BadRequest("The body is not a Bot Framework activity with a type and a conversation."));
        }

        return (activity, null);
    }
}
