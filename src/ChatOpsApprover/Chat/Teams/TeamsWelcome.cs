namespace ChatOpsApprover.Chat.Teams;

/// <summary>
/// When the bot is added to someone's personal scope (a conversationUpdate whose membersAdded is the bot), it says
/// what it does and how to start, with a "Request access" button that shows the request form. Once per activity.
/// </summary>
public sealed class TeamsWelcome(ConnectorClient connector, TeamsUserStore activities, TimeProvider time, ILogger<TeamsWelcome> logger)
{
    public const string Text =
        "I give you temporary access when you need it: you ask for a role, approvers decide, you confirm with your second " +
        "factor, and the access ends on time by itself. Click Request access below, or write jit request to get the form " +
        "(or type it all: jit request prod-db-read 2h fix INC-1234). jit list shows your requests, jit roles what you may " +
        "ask for, jit help everything else.";

    public async Task<IResult> GreetAsync(TeamsActivity activity, CancellationToken cancellationToken)
    {
        if (!activity.IsPersonal || activity.RecipientId is null || !activity.MembersAdded.Contains(activity.RecipientId)
            || activity.Id is null || activity.ConversationId is null || activity.ServiceUrl is null)
        {
            return Results.Ok();
        }

        if (!await activities.TryClaimActivityAsync(activity.ConversationId, activity.Id, time.GetUtcNow()))
        {
            return Results.Ok();
        }

        try
        {
            // The serviceUrl was checked against the token: it is the connector that sent this activity.
            await connector.SendAsync(new Uri(activity.ServiceUrl), activity.ConversationId, AdaptiveCards.Activity(TeamsRequestForm.Welcome(Text), "Welcome to ChatOpsApprover"), cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // A lost welcome is not worth a retry: "jit help" says the same.
            logger.LogWarning("Could not send the welcome message on Teams: {Error}", e.Message);
        }

        return Results.Ok();
    }
}
