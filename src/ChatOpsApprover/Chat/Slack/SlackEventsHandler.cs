using ChatOpsApprover.Audit;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>
/// POST /slack/events (or an events_api Socket Mode envelope): Slack's Events API. Signed like every Slack request, over
/// the raw JSON body. url_verification is answered with its challenge; an event_callback is claimed by its event_id
/// across instances, so Slack's retries (X-Slack-Retry-Num, after a slow or failed answer) are acknowledged and not run
/// again. app_home_opened publishes the person's Home tab in a chat job; other events are acknowledged and ignored.
/// </summary>
public sealed class SlackEventsHandler(
    SlackSignatureVerifier verifier,
    SignatureFailureMonitor failures,
    SlackReplayGuard deliveries,
    SlackHomeTabs homeTabs,
    ILogger<SlackEventsHandler> logger)
{
    /// <summary>app_home_opened carries the tab's published view, which may hold a few dozen blocks.</summary>
    public const int MaxBodyBytes = 128 * 1024;

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (await InboundBody.ReadAsync(context, MaxBodyBytes) is not { } body)
        {
            return Results.Text("The request body is larger than 128 KB.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        if (!verifier.IsValid(request.Headers["X-Slack-Request-Timestamp"], request.Headers["X-Slack-Signature"], body))
        {
            failures.Record(SlackChat.Key, request.Path, context.Connection.RemoteIpAddress?.ToString());
            return Results.Text("The request is not signed by Slack, or its timestamp is more than 5 minutes from now.", statusCode: StatusCodes.Status401Unauthorized);
        }

        if (SlackEvent.TryRead(body, out var error) is not { } slackEvent)
        {
            return Results.BadRequest(error);
        }

        return await HandleVerifiedAsync(slackEvent, context.RequestAborted);
    }

    /// <summary>An event Slack delivered (checked as Slack's: by signature over HTTP, by its socket over Socket Mode).</summary>
    public async Task<IResult> HandleVerifiedAsync(SlackEvent slackEvent, CancellationToken cancellationToken)
    {
        switch (slackEvent.Type)
        {
            case SlackEvent.UrlVerification when slackEvent.Challenge is not null:
                return Results.Json(new { challenge = slackEvent.Challenge });
            case SlackEvent.UrlVerification:
                return Results.BadRequest("The url_verification has no challenge to answer with.");
            case SlackEvent.AppRateLimited:
                logger.LogWarning("Slack says the app is over the Events API rate limit: events are being dropped for a while");
                return Results.Ok();
            case SlackEvent.EventCallback when slackEvent.EventId is null || slackEvent.EventType is null:
                return Results.BadRequest("The event_callback has no event_id or no event with a type.");
            case SlackEvent.EventCallback:
                break;
            default:
                return Results.BadRequest($"Unknown Events API type \"{slackEvent.Type}\": expected url_verification or event_callback.");
        }

        if (!await deliveries.TryClaimEventAsync(slackEvent.EventId!, cancellationToken))
        {
            logger.LogInformation("Slack event {EventId} ({EventType}) was already handled; acknowledged and not run again", slackEvent.EventId, slackEvent.EventType);
            return Results.Ok();
        }

        // The Messages tab opens the same event: only the Home tab has something to show.
        if (slackEvent is { EventType: SlackEvent.AppHomeOpened, Tab: "home", UserId: { } userId })
        {
            homeTabs.Opened(userId);
        }

        return Results.Ok();
    }
}
