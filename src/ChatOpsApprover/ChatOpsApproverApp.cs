using ChatOpsApprover.Audit;
using ChatOpsApprover.BreakGlass;
using ChatOpsApprover.Chat.Slack;
using ChatOpsApprover.Chat.Teams;
using ChatOpsApprover.Configuration;
using ChatOpsApprover.Grants;
using ChatOpsApprover.Grants.Kubernetes;
using ChatOpsApprover.Grants.Postgres;
using ChatOpsApprover.Grants.Webhook;
using ChatOpsApprover.Health;
using ChatOpsApprover.Hosting;
using ChatOpsApprover.Jobs;
using ChatOpsApprover.Observability;
using ChatOpsApprover.Requests;
using ChatOpsApprover.Sandbox;
using ChatOpsApprover.StepUp;
using ChatOpsApprover.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ChatOpsApprover;

/// <summary>Builds the web host: one Add…/Map… pair per feature. Tests call this too, with their own configuration.</summary>
public static class ChatOpsApproverApp
{
    /// <param name="customize">Runs before the features read configuration (tests replace the configuration here).</param>
    /// <param name="overrideServices">Runs after every feature registered its services (tests decorate targets here).</param>
    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? customize = null, Action<IServiceCollection>? overrideServices = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // The top-level appsettings.json is copied beside the binary.
            ContentRootPath = AppContext.BaseDirectory,
        });
        customize?.Invoke(builder);
        builder.UseDefaultListeningAddress();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddBodyLimits();
        ProductionRequirements.Enforce(builder);

        await builder.AddDatabaseAsync();
        AddFeatures(builder);
        builder.Services.AddHostedService<IdleMemoryRelease>();
        overrideServices?.Invoke(builder.Services);

        var app = builder.Build();
        await app.Services.GetRequiredService<SchemaMigrator>().MigrateAsync();
        await GrantsSetup.PrepareTargetsAsync(app.Services);
        JobsSetup.ScheduleRecurringJobs(app.Services);

        app.UseTrustedProxyHeaders();
        app.UseDatabaseOutageAnswer();
        app.MapHealth();
        app.MapObservability();
        app.MapSlack();
        app.MapTeams();
        app.MapAudit();
        app.MapJobsDashboard();
        app.MapStepUp();
        app.MapSandbox();
        return app;
    }

    /// <summary>
    /// Every feature's services and options, each validated at start-up; <c>policy check</c> registers the same to run
    /// the same validation without starting anything.
    /// </summary>
    public static void AddFeatures(WebApplicationBuilder builder)
    {
        builder.Services.AddHealth();
        builder.AddObservability();
        builder.Services.AddRequests(builder.Configuration);
        builder.Services.AddBreakGlass();
        builder.Services.AddGrants(builder.Configuration);
        builder.Services.AddGrantTargetType<PostgresTargetType>();
        builder.Services.AddWebhookTargets();
        builder.Services.AddKubernetesTargets();
        builder.Services.AddJobs(builder.Configuration);
        builder.Services.AddSlack(builder.Configuration);
        builder.Services.AddTeams(builder.Configuration);
        builder.Services.AddAudit(builder.Configuration);
        builder.Services.AddJobsDashboard(builder.Configuration);
        builder.Services.AddStepUp(builder.Configuration);
        builder.AddSandbox();
    }
}
