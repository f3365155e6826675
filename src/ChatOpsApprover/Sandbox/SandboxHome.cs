namespace ChatOpsApprover.Sandbox;

/// <summary>A person opens the bot's Home tab: Slack sends app_home_opened through the Events API (POST /slack/events).</summary>
public sealed class SandboxHome(SandboxWorkspace workspace, SandboxBotClient bot, TimeProvider time)
{
    public async Task OpenAsync(SandboxPerson me, CancellationToken cancellationToken)
    {
        var direct = workspace.OpenDirect(me);
        var home = workspace.Scene(me).Home;
        var answer = await bot.EventAsync(SlackPayloads.AppHomeOpened(me, direct, home, time.GetUtcNow()), cancellationToken);
        if (answer.Problem("Opening the Home tab (app_home_opened)") is { } problem)
        {
            workspace.Notice(me.SlackId, answer.Status == StatusCodes.Status404NotFound ? "The bot has no Events API endpoint (POST /slack/events answered 404), so it has no Home tab yet." : problem);
        }
    }
}
