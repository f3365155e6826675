using ChatOpsApprover.Audit;
using ChatOpsApprover.Chat.Slack.SocketMode;
using ChatOpsApprover.Configuration;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Health;
using ChatOpsApprover.Observability;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>
/// Slack's registration and inbound routes: POST /slack/commands, POST /slack/interactions and POST /slack/events (the
/// Events API: the Home tab), all signature-verified, and, with Slack:AppToken, the same handlers reached over a Socket
/// Mode connection.
/// </summary>
public static class SlackEndpoints
{
    public static IServiceCollection AddSlack(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IChatPlatformRegistration, SlackChat>();
        services.AddValidatedOptions<SlackOptions>(configuration.GetSection("Slack"), o => o.Validate());
        services.AddTransient<SlackBotTokenHandler>();
        services.AddHttpClient<SlackApiClient>()
            .AddChatResilience("Slack API")
            .AddHttpMessageHandler<SlackBotTokenHandler>()
            .AddChatApiMetering(SlackChat.Key);
        services.AddSingleton<IChatPlatform, SlackPlatform>();
        services.AddSingleton<IAuditChannel, SlackAuditChannel>();
        services.AddReadinessCheck<SlackCredentialsCheck>(SlackCredentialsCheck.Name);
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SlackOptions>>().Value;
            return new SlackSignatureVerifier(options.SigningSecret, options.TimestampTolerance, sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton(sp => new SlackRequestSignatureStore(sp.GetRequiredService<IConfiguration>().GetConnectionString("Postgres")!));
        services.AddSingleton<SlackSignatureClaims>();
        services.AddSingleton<SlackReplayGuard>();
        services.AddSingleton<SlackSignedFormReader>();
        services.AddSingleton<SlackCommandHandler>();
        services.AddSingleton<SlackInteractionHandler>();
        services.AddSingleton<SlackRequestForm>();
        services.AddSingleton<SlackUserGroups>();
        services.AddSingleton<IChatGroupSource>(sp => sp.GetRequiredService<SlackUserGroups>());
        services.AddHostedService(sp => sp.GetRequiredService<SlackUserGroups>());
        services.AddSingleton<SlackEventsHandler>();
        services.AddSingleton<SlackHomeTabStore>();
        services.AddSingleton<SlackHomeTabs>();
        services.AddSingleton<IHomeViews>(sp => sp.GetRequiredService<SlackHomeTabs>());
        services.AddTransient<SlackHomeTabJobs>();
        services.AddSingleton<SlackSocketDispatcher>();
        services.AddHostedService<SlackSocketModeClient>();
        return services;
    }

    public static IEndpointRouteBuilder MapSlack(this IEndpointRouteBuilder app)
    {
        app.MapPost("/slack/commands", (HttpContext context, SlackCommandHandler handler) => handler.HandleAsync(context))
            .WithBodyLimit(SlackSignedFormReader.MaxBodyBytes);
        app.MapPost("/slack/interactions", (HttpContext context, SlackInteractionHandler handler) => handler.HandleAsync(context))
            .WithBodyLimit(SlackSignedFormReader.MaxBodyBytes);
        app.MapPost("/slack/events", (HttpContext context, SlackEventsHandler handler) => handler.HandleAsync(context))
            .WithBodyLimit(SlackEventsHandler.MaxBodyBytes);
        return app;
    }
}
