using System.Net;
using ChatOpsApprover.Audit;
using ChatOpsApprover.Configuration;
using ChatOpsApprover.Health;
using ChatOpsApprover.Observability;

namespace ChatOpsApprover.Chat.Teams;

/// <summary>
/// Teams' registration and inbound route: POST /api/messages, the Bot Framework messaging endpoint
/// (<see cref="TeamsMessagingEndpoint"/>). Commands run through the same use cases as Slack's.
/// </summary>
public static class TeamsEndpoints
{
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
            .AddHttpMessageHandler<ConnectorTokenHandler>()
            .AddChatApiMetering(TeamsChat.Key);
        services.AddSingleton<BotFrameworkSigningKeys>();
        services.AddSingleton<BotFrameworkTokenValidator>();
        services.AddSingleton<ConnectorTokenProvider>();
        services.AddSingleton<TeamsUserStore>();
        services.AddSingleton<TeamsPlatform>();
        services.AddSingleton<IChatPlatform>(sp => sp.GetRequiredService<TeamsPlatform>());
        services.AddSingleton<IAuditChannel, TeamsAuditChannel>();
        services.AddSingleton<TeamsActivityAuthenticator>();
        services.AddSingleton<TeamsTenantPolicy>();
        services.AddSingleton<TeamsSenderRecorder>();
        services.AddSingleton<TeamsCardActionHandler>();
        services.AddSingleton<TeamsRequestFormHandler>();

        // Per request, as the endpoint's parameters were: the message handler replies through ConnectorClient, a
        // typed HttpClient that must not be held for the life of the app.
        services.AddScoped<TeamsMessageHandler>();
        services.AddScoped<TeamsWelcome>();
        services.AddScoped<TeamsMessagingEndpoint>();
        services.AddReadinessCheck<TeamsCredentialsCheck>(TeamsCredentialsCheck.Name);
        return services;
    }

    public static IEndpointRouteBuilder MapTeams(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/messages", (HttpContext context, TeamsMessagingEndpoint endpoint) => endpoint.HandleAsync(context))
            .WithBodyLimit(TeamsActivityAuthenticator.MaxBodyBytes);
        return app;
    }
}
