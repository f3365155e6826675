namespace ChatOpsApprover.Sandbox;

/// <summary>Says where the sandbox is once the server listens, so the run command's output shows what to open.</summary>
public sealed partial class SandboxAnnouncer(SandboxSettings settings, IHostApplicationLifetime lifetime, ILogger<SandboxAnnouncer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => Announce(
            logger,
            new Uri(settings.BotBase, "sandbox"),
            settings.Reach == SandboxReach.Anywhere ? "Sandbox:Enabled is true, so it answers every address" : "no Slack or Teams app is configured; it answers this machine only"));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox: open {Page} to try the bot as your configured people; it plays Slack ({Why})")]
    private static partial void Announce(ILogger logger, Uri page, string why);
}
