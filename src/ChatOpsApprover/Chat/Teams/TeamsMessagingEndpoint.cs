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
    TeamsCardActionHandler cardActions)
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
            "invoke" when activity.Name == TeamsCardActionHandler.InvokeName => await cardActions.HandleAsync(activity, context.RequestAborted),
            "invoke" => TeamsInvokeResponse.Error(400, "BadRequest", $"This bot answers only {TeamsCardActionHandler.InvokeName} invokes."),
            // conversationUpdate, installationUpdate, typing, reactions…: acknowledged, nothing to do.
            _ => Results.Ok(),
        };
    }
}
