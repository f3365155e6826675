using ChatOpsApprover.Audit;
using ChatOpsApprover.Chat.Slack;
using ChatOpsApprover.Configuration;
using ChatOpsApprover.StepUp;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Sandbox;

/// <summary>
/// The sandbox: a local page that plays Slack, on when no Slack bot token and no Teams app are configured (or
/// Sandbox:Enabled is true). When on, the bot's Slack settings point at it: a signing secret and bot token made at
/// start-up, and Slack:ApiBaseUrl = its Web API under /sandbox/api/ on the listening address. Unless
/// StepUp:PublicBaseUrl is set, links point at http://localhost:&lt;port&gt;, where passkeys work over plain http.
/// </summary>
public static class SandboxSetup
{
    public static WebApplicationBuilder AddSandbox(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var section = configuration.GetSection("Sandbox");
        var chatApp = !string.IsNullOrWhiteSpace(configuration["Slack:BotToken"]) || !string.IsNullOrWhiteSpace(configuration["Teams:AppId"]);
        var (reach, problem) = (section.Get<SandboxOptions>() ?? new SandboxOptions()).Decide(chatApp);
        builder.Services.AddValidatedOptions<SandboxOptions, IOptions<AccessOptions>>(
            (o, _) => section.Bind(o),
            (o, access) => [.. problem is null ? [] : new[] { problem }, .. reach == SandboxReach.Off ? [] : o.ValidateUserGroups(access.Value)]);
        if (reach == SandboxReach.Off)
        {
            return builder;
        }

        var settings = new SandboxSettings(reach, ListeningAddress.Self(configuration));
        var services = builder.Services;
        services.AddSingleton(settings);
        services.PostConfigure<SlackOptions>(o =>
        {
            o.SigningSecret = settings.SigningSecret;
            o.BotToken = settings.BotToken;
            o.ApiBaseUrl = settings.ApiBase;
        });
        services.PostConfigure<StepUpOptions>(o =>
        {
            if (string.IsNullOrWhiteSpace(o.PublicBaseUrl))
            {
                o.PublicBaseUrl = settings.LinkBase.ToString();
            }
        });
        services.AddSingleton(CreateWorkspace);
        services.AddHttpClient<SandboxBotClient>(http => http.Timeout = TimeSpan.FromSeconds(30)).RemoveAllLoggers();
        services.AddSingleton<TargetMemberships>();
        services.AddTransient<SandboxCommand>();
        services.AddTransient<SandboxClick>();
        services.AddTransient<SandboxSubmission>();
        services.AddTransient<SandboxHome>();
        services.AddSingleton<LoopbackOnly>();
        services.AddAntiforgery();
        services.AddHostedService<SandboxAnnouncer>();
        return builder;
    }

    public static IEndpointRouteBuilder MapSandbox(this IEndpointRouteBuilder app) => SandboxEndpoints.Map(app);

    /// <summary>The workspace configuration describes: its people with Slack ids, the requests, approval and audit channels.</summary>
    private static SandboxWorkspace CreateWorkspace(IServiceProvider services)
    {
        var access = services.GetRequiredService<IOptions<AccessOptions>>().Value;
        var sandbox = services.GetRequiredService<IOptions<SandboxOptions>>().Value;
        var auditChannel = services.GetRequiredService<IOptions<AuditOptions>>().Value.SlackChannel?.Trim();
        var people = access.People
            .Where(p => p.Value.Identities.ContainsKey(SlackChat.Key))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new SandboxPerson(p.Key, p.Value.Identities[SlackChat.Key]))
            .ToList();
        var channels = new List<SandboxChannel> { new(SandboxSettings.RequestsChannel, "access-requests", "Type /jit commands here; the bot's answers are visible to you only.") };
        foreach (var cards in access.Roles.Where(r => r.Value.ApprovalChannels.ContainsKey(SlackChat.Key)).GroupBy(r => r.Value.ApprovalChannels[SlackChat.Key]).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            channels.Add(new SandboxChannel(cards.Key, ChannelName(cards.Key), $"Approval cards for {string.Join(", ", cards.Select(r => r.Key).Order(StringComparer.Ordinal))} (Roles:<name>:SlackChannel).", null));
        }

        if (!string.IsNullOrEmpty(auditChannel))
        {
            channels.Add(new SandboxChannel(auditChannel, ChannelName(auditChannel), "The audit channel (Audit:SlackChannel): one message per request, rewritten as it moves on, and a reply in its thread per audit entry.", null));
        }

        var groups = sandbox.UserGroups.ToDictionary(
            g => g.Key,
            g => (IReadOnlyList<string>)[.. g.Value.Select(id => people.First(p => p.PersonId == id).SlackId)],
            StringComparer.Ordinal);
        return new SandboxWorkspace(people, channels, groups, services.GetRequiredService<TimeProvider>());
    }

    /// <summary>A readable name for a channel id: C0APPROVALS becomes #approvals; other ids are shown as they are.</summary>
    private static string ChannelName(string id) => id.StartsWith("C0", StringComparison.Ordinal) && id.Length > 2 ? id[2..].ToLowerInvariant() : id;
}
