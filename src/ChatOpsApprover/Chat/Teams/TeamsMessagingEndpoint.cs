namespace ChatOpsApprover.Chat.Teams;

/// <summary>
/// POST /api/messages, the Bot Framework messaging endpoint: authenticates the activity before anything in it is
/// used, applies the tenant policy, remembers registered senders, and hands messages and card clicks to their handlers.
/// </summary>
public sealed class TeamsMessagingEndpoint(
    TeamsActivityAuthenticator authenticator,
    TeamsTenantPolicy tenants,
    TeamsSenderRecorder senders,
    TeamsMessageHandler messages,
    TeamsCardActionHandler cardActions,
    TeamsRequestFormHandler forms,
    TeamsWelcome welcome,
    TeamsUserStore activities,
    TimeProvider time)
{
    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var (activity, refusal) = await authenticator.ReadAsync(context);
        if (refusal is not null)
        {
            return refusal;
        }

        if (tenants.Refusal(activity!) is { } foreignTenant)
        {
            return foreignTenant;
        }

        await senders.RememberAsync(activity!);
        return activity!.Type switch
        {
            "message" => await messages.HandleAsync(activity, context.RequestAborted),
            "invoke" when activity.Name == TeamsCardActionHandler.InvokeName => await CardActionOnceAsync(activity, context.RequestAborted),
            "invoke" => TeamsInvokeResponse.Error(400, "BadRequest", $"This bot answers only {TeamsCardActionHandler.InvokeName} invokes."),
            "conversationUpdate" => await welcome.GreetAsync(activity, context.RequestAborted),
            // conversationUpdate, installationUpdate, typing, reactions…: acknowledged, nothing to do.
            _ => Results.Ok(),
        };
    }

    /// <summary>
    /// A click decides or mints a link, so it runs once per activity id like a message: a token is valid for its
    /// hour, and a captured invoke sent again (or the connector's retry) is answered without running it again.
    /// </summary>
    private async Task<IResult> CardActionOnceAsync(TeamsActivity activity, CancellationToken cancellationToken)
    {
        if (activity.Id is null)
        {
            return TeamsInvokeResponse.Error(400, "BadRequest", "The card action activity has no id.");
        }

        if (!await activities.TryClaimActivityAsync(activity.ConversationId!, activity.Id, time.GetUtcNow()))
        {
            return TeamsInvokeResponse.Message("This card action was already received and handled; it was not run again.");
        }

        try
        {
            return activity.TryReadExecute(out var verb, out _) && verb is TeamsRequestForm.SubmitVerb or TeamsRequestForm.OpenVerb
                ? await forms.ClickAsync(activity, verb, cancellationToken)
                : await cardActions.HandleAsync(activity, cancellationToken);
        }
        catch
        {
            // Not handled: a retry may run it.
            await activities.ReleaseActivityAsync(activity.ConversationId!, activity.Id);
            throw;
        }
    }
}
