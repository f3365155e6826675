using System.Net;
using System.Text.Json.Nodes;
using ChatOpsApprover.Audit;
using ChatOpsApprover.Chat.Cards;
using ChatOpsApprover.Configuration;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Health;
using ChatOpsApprover.Requests;
using ChatOpsApprover.Storage;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Chat.Teams;

/// <summary>
/// Teams' inbound side: POST /api/messages, the Bot Framework messaging endpoint. Every activity is authenticated
/// before anything in it is used; commands run through the same <see cref="AccessRequestService"/> as Slack's.
/// </summary>
public static class TeamsEndpoints
{
    private const int MaxBodyBytes = 256 * 1024;
    private const string CardAction = "adaptiveCard/action";

    public static IServiceCollection AddTeams(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IChatPlatformRegistration, TeamsChat>();
        services.AddValidatedOptions<TeamsOptions>(configuration.GetSection("Teams"), o => o.Validate());
        services.AddHttpClient(BotFrameworkSigningKeys.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10));
        services.AddHttpClient(ConnectorTokenProvider.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(30));
        services.AddTransient<ConnectorTokenHandler>();
        services.AddHttpClient<ConnectorClient>()
            .AddChatResilience("Bot Connector", outcome =>
                ConnectorTokenProvider.IsTransient(outcome.Exception) || outcome.Result?.StatusCode == HttpStatusCode.PreconditionFailed)
            .AddHttpMessageHandler<ConnectorTokenHandler>();
        services.AddSingleton<BotFrameworkSigningKeys>();
        services.AddSingleton<BotFrameworkTokenValidator>();
        services.AddSingleton<ConnectorTokenProvider>();
        services.AddSingleton<TeamsUserStore>();
        services.AddSingleton<TeamsPlatform>();
        services.AddSingleton<IChatPlatform>(sp => sp.GetRequiredService<TeamsPlatform>());
        services.AddSingleton<IAuditChannel, TeamsAuditChannel>();
        services.AddReadinessCheck<TeamsCredentialsCheck>(TeamsCredentialsCheck.Name);
        return services;
    }

    public static IEndpointRouteBuilder MapTeams(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/messages", HandleActivityAsync);
        return app;
    }

    private static async Task<IResult> HandleActivityAsync(
        HttpContext context,
        BotFrameworkTokenValidator validator,
        SignatureFailureMonitor failures,
        AccessRequestService service,
        AccessDirectory directory,
        RequestStore requests,
        TeamsUserStore users,
        ConnectorClient connector,
        TeamsPlatform platform,
        IOptions<TeamsOptions> options,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(TeamsEndpoints));
        var body = await ReadBodyAsync(context);
        if (body is null)
        {
            return Results.Text("The activity is larger than 256 KB.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        // The serviceUrl and channel are read before authentication only to compare them with the token's claims.
        var activity = TeamsActivity.Parse(body);
        if (await validator.RefusalAsync(context.Request.Headers.Authorization, activity?.ServiceUrl, activity?.ChannelId, context.RequestAborted) is not null)
        {
            // Counted in memory only; a burst becomes one audit entry.
            failures.Record(TeamsChat.Key, context.Request.Path, context.Connection.RemoteIpAddress?.ToString());
            return Results.Text("The request is not authenticated by the Bot Connector for this bot.", statusCode: StatusCodes.Status401Unauthorized);
        }

        if (activity?.Type is null || activity.ConversationId is null)
        {
            return Results.BadRequest("The body is not a Bot Framework activity with a type and a conversation.");
        }

        var settings = options.Value;
        if (!settings.IsMultiTenant && !string.Equals(activity.TenantId, settings.TenantId, StringComparison.OrdinalIgnoreCase))
        {
            logger.LogWarning("Ignored a Teams activity from tenant {Tenant}: this bot is single-tenant ({Configured})", activity.TenantId, settings.TenantId);
            return Results.Text("This bot serves only its own tenant.", statusCode: StatusCodes.Status403Forbidden);
        }

        var person = activity.FromAadObjectId is { } aad ? directory.FindByChatUser(new ChatUser(TeamsChat.Key, aad)) : null;
        if (person is not null)
        {
            await users.RememberAsync(new TeamsUserRecord(
                activity.FromAadObjectId!,
                activity.FromId,
                activity.TenantId,
                activity.ServiceUrl,
                activity.IsPersonal ? activity.ConversationId : null), time.GetUtcNow());
        }

        return activity.Type switch
        {
            "message" => await HandleMessageAsync(activity, service, users, connector, platform, time, logger, context.RequestAborted),
            "invoke" when activity.Name == CardAction => await HandleCardActionAsync(activity, service, directory, requests, context.RequestAborted),
            "invoke" => Results.Json(Error(400, "BadRequest", $"This bot answers only {CardAction} invokes.")),
            // conversationUpdate, installationUpdate, typing, reactions…: acknowledged, nothing to do.
            _ => Results.Ok(),
        };
    }

    private static async Task<IResult> HandleMessageAsync(TeamsActivity activity, AccessRequestService service, TeamsUserStore users, ConnectorClient connector, TeamsPlatform platform, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
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

        ChatReply reply;
        try
        {
            reply = activity.FromAadObjectId is { } aad
                ? await service.HandleAsync(new ChatUser(TeamsChat.Key, aad), JitCommandParser.Parse(TeamsText.CommandText(activity.Text)), cancellationToken)
                : new ChatReply("Your Teams account has no Microsoft Entra object id, so ChatOpsApprover cannot tell who you are.");
        }
        catch
        {
            await users.ReleaseActivityAsync(activity.ConversationId!, activity.Id);
            throw;
        }

        try
        {
            var text = reply.Text;
            if (!activity.IsPersonal && activity.FromAadObjectId is { } asker)
            {
                // Like Slack's ephemeral replies: an answer (it may hold an enrollment or confirmation link, or someone's
                // requests) goes to the asker's 1:1 chat, never to everyone in the channel.
                text = await platform.SendPrivatelyAsync(asker, text, cancellationToken)
                    ? "I have answered you in our 1:1 chat."
                    : "I could not reach you in a 1:1 chat: write to me there, e.g. jit help.";
            }

            // The serviceUrl was checked against the token: it is the connector that sent this activity.
            await connector.ReplyAsync(new Uri(activity.ServiceUrl!), activity.ConversationId!, activity.Id, TeamsPlatform.TextActivity(text), cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // The command itself is done; a lost reply is not worth a retry that the deduplication would drop anyway.
            logger.LogWarning("Could not send the reply to a Teams command: {Error}", e.Message);
        }

        return Results.Ok();
    }

    private static async Task<IResult> HandleCardActionAsync(TeamsActivity activity, AccessRequestService service, AccessDirectory directory, RequestStore requests, CancellationToken cancellationToken)
    {
        if (!activity.TryReadExecute(out var verb, out var requestId) || requestId == 0)
        {
            return Results.Json(Error(400, "BadRequest", "The card action is not an Action.Execute with a requestId in its data."));
        }

        if (activity.FromAadObjectId is not { } aad)
        {
            return Results.Json(Error(400, "BadRequest", "The card action does not say who clicked (from.aadObjectId)."));
        }

        var clicker = new ChatUser(TeamsChat.Key, aad);
        string? notice = null;
        if (verb is TeamsApprovalCard.ApproveVerb or TeamsApprovalCard.DenyVerb)
        {
            var result = await service.DecideAsync(clicker, requestId, verb == TeamsApprovalCard.ApproveVerb, cancellationToken);
            notice = result.Message;
        }

        // Anything else (Teams' automatic "refresh") gets the card as it stands, but only people we know see a
        // request's details: a stranger's invoke could name any request id.
        var known = directory.FindByChatUser(clicker) is not null;
        var request = known ? await requests.FindAsync(requestId) : null;
        var role = request is null ? null : directory.FindRole(request.RoleName);
        if (request is null || role is null)
        {
            return Results.Json(new JsonObject
            {
                ["statusCode"] = 200,
                ["type"] = "application/vnd.microsoft.activity.message",
                ["value"] = notice ?? RequestMessages.ForDecision(known ? DecisionOutcome.NotFound : DecisionOutcome.UnknownPerson, requestId),
            });
        }

        return Results.Json(new JsonObject
        {
            ["statusCode"] = 200,
            ["type"] = TeamsApprovalCard.ContentType,
            ["value"] = TeamsApprovalCard.Render(ApprovalCardBuilder.Build(request, role, notice)),
        });
    }

    private static JsonObject Error(int status, string code, string message) => new()
    {
        ["statusCode"] = status,
        ["type"] = "application/vnd.microsoft.error",
        ["value"] = new JsonObject { ["code"] = code, ["message"] = message },
    };

    private static async Task<byte[]?> ReadBodyAsync(HttpContext context)
    {
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
