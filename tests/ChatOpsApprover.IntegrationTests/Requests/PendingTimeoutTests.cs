using System.Net;
using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Requests;

/// <summary>A request nobody decides times out on its own, on time, once; a late click changes nothing.</summary>
public sealed class PendingTimeoutTests
{
    [Fact]
    public async Task ARequestNobodyDecides_TimesOutAfterPendingTimeout_AndALateClickChangesNothing_OnSlackAndTeams()
    {
        await using var bot = await BotHost.StartAsync();
        var id = await bot.RequestAccessAsync();
        await Wait.UntilAsync(() => bot.Teams.CallsTo("send").Any(c => c.ConversationId == BotHost.TeamsApprovalChannel), "the Teams card");

        // Not a moment early (the default PendingTimeout is one hour)…
        bot.Time.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await bot.TimeOutNowAsync());
        Assert.Equal(RequestStatus.Pending, (await bot.RequestAsync(id)).Status);

        // …and ended at its time (by this pass, or by the scheduler at the same moment).
        bot.Time.Advance(TimeSpan.FromSeconds(1));
        await bot.TimeOutNowAsync();
        var timedOut = await bot.WaitForStatusAsync(id, RequestStatus.TimedOut);
        Assert.InRange(timedOut.EndedAt!.Value, bot.Time.GetUtcNow() - TimeSpan.FromMilliseconds(1), bot.Time.GetUtcNow());
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'request.timed_out' AND actor = 'policy' AND details->>'timeout' = '1h'"));

        // Cards lose their buttons and say so; the requester is told.
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.update").Any(c => c.Json.Contains("timed out", StringComparison.Ordinal) && !c.Json.Contains("jit_approve", StringComparison.Ordinal)), "the Slack card without buttons");
        await Wait.UntilAsync(() => bot.Teams.CallsTo("update").Any(c => c.Json.Contains("timed out", StringComparison.Ordinal) && c.Card!["actions"] is null), "the Teams card without buttons");
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postMessage").Any(c => c.Body["channel"]?.GetValue<string>() == "DU0ALICE" && c.Text.Contains("timed out", StringComparison.Ordinal)), "alice told");

        // Late clicks: answered clearly, nothing recorded.
        await bot.ClickApproveAsync("U0BOB", id);
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postEphemeral").Any(c => c.Body["user"]?.GetValue<string>() == "U0BOB" && c.Text.Contains($"Request #{id} timed out before anyone decided it", StringComparison.Ordinal)), "bob told it timed out");
        using (var deny = await bot.PostSignedAsync("/slack/interactions", BotHost.ClickBody("U0DAVE", id, approve: false)))
        {
            Assert.Equal(HttpStatusCode.OK, deny.StatusCode);
        }

        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postEphemeral").Any(c => c.Body["user"]?.GetValue<string>() == "U0DAVE" && c.Text.Contains("timed out", StringComparison.Ordinal)), "dave told it timed out");
        Assert.Empty(bot.Slack.CallsTo("views.open"));
        var late = await bot.TeamsClickAsync(TeamsIds.Dave, id, approve: true);
        Assert.Contains("timed out before anyone decided it", late["value"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Null(late["value"]!["actions"]);

        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.decisions"));
        Assert.Equal(RequestStatus.TimedOut, (await bot.RequestAsync(id)).Status);
        Assert.False(await bot.HasRoleAsync(bot.LoginOf("alice")));
    }

    [Fact]
    public async Task TheScheduler_TimesOutAtTheExactTime_WithoutASweepBeingAskedFor()
    {
        await using var bot = await BotHost.StartAsync(s =>
        {
            s["Roles:prod-db-read:PendingTimeout"] = "00:00:30";
            // Far longer than the timeout: only the scheduler's exact wake-up can be on time.
            s["Revocation:PollInterval"] = "00:01:00";
        });
        var id = await bot.TeamsRequestAccessAsync();
        var decided = await bot.RequestAccessAsync();
        await bot.ClickApproveAsync("U0BOB", decided);
        await bot.WaitForStatusAsync(decided, RequestStatus.Active);

        bot.Time.Advance(TimeSpan.FromSeconds(30));
        await bot.WaitForStatusAsync(id, RequestStatus.TimedOut);
        Assert.Equal(RequestStatus.Active, (await bot.RequestAsync(decided)).Status);
        Assert.Equal(1, await bot.ScalarAsync("SELECT count(*) FROM jit.audit_log WHERE event = 'request.timed_out'"));
    }
}
