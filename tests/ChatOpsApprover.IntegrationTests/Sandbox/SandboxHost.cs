using System.Net;
using ChatOpsApprover.IntegrationTests.Infrastructure;
using ChatOpsApprover.Sandbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatOpsApprover.IntegrationTests.Sandbox;

/// <summary>The real bot with no Slack token and no Teams app, so that the sandbox plays Slack, as the run command starts it.</summary>
public static class SandboxHost
{
    /// <summary>A request carrying this header looks, to the bot, as if it came from that address (a test-only stand-in for another machine).</summary>
    public const string RemoteAddressHeader = "X-Test-Remote-Address";

    public const string AuditChannel = "C0AUDIT";

    /// <param name="enabled">Sandbox:Enabled; null leaves it out (on, for this machine only).</param>
    public static Task<BotHost> StartAsync(string? enabled = "true", Action<Dictionary<string, string?>>? configure = null, LogLevel logLevel = LogLevel.Warning) =>
        BotHost.StartAsync(
            settings =>
            {
                settings["Slack:BotToken"] = string.Empty;
                settings["Teams:AppId"] = string.Empty;
                settings["Sandbox:Enabled"] = enabled;
                settings["Audit:SlackChannel"] = AuditChannel;
                configure?.Invoke(settings);
            },
            overrideServices: services => services.AddSingleton<IStartupFilter, RemoteAddressFromHeader>(),
            logLevel: logLevel);

    public static SandboxSettings Settings(this BotHost bot) => bot.Service<SandboxSettings>();

    public static SandboxWorkspace Workspace(this BotHost bot) => bot.Service<SandboxWorkspace>();

    /// <summary>Lets a test make a request look as if it came from another machine, before anything else sees it.</summary>
    private sealed class RemoteAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue(RemoteAddressHeader, out var address))
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(address.ToString());
                    context.Request.Headers.Remove(RemoteAddressHeader);
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
