using ChatOpsApprover.Chat.Cards;
using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Audit;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Requests;

/// <summary>The requester's reminder ten minutes before access ends: on time by a fake clock, once, after a restart and across instances.</summary>
public sealed class EndReminderTests
{
    private static void SlowPoll(Dictionary<string, string?> s) =>
        // Far longer than a test waits: only the scheduler's exact wake-ups can be on time.
        s["Revocation:PollInterval"] = "00:01:00";

    private static void Extendable(Dictionary<string, string?> s)
    {
        SlowPoll(s);
        s["Roles:prod-db-read:Extend:MaxTotal"] = "04:00:00";
        s["Roles:prod-db-read:Extend:RequiresApproval"] = "false";
    }

    private static bool IsSlackReminder(SlackCall call, long id) =>
        call.Body["channel"]?.GetValue<string>() == "DU0ALICE" && call.Text.Contains($"(request #{id}) ends soon", StringComparison.Ordinal);

    private static bool IsTeamsReminder(ConnectorCall call, long id) =>
        call.Operation == "send" && call.Card is not null && call.Json.Contains($"(request #{id}) ends soon", StringComparison.Ordinal);

    [Fact]
    public async Task OnSlack_TheRequesterIsRemindedOnce_TenMinutesBeforeTheEnd_WithoutExtendOnARoleThatHasNone()
    {
        await using var bot = await BotHost.StartAsync(SlowPoll);
        var id = await bot.RequestAccessAsync();
        await bot.ClickApproveAsync("U0BOB", id);
        var active = await bot.WaitForStatusAsync(id, RequestStatus.Active);

        // A second before its time nothing is due; at its time the scheduler sends it by itself.
        bot.Time.SetUtcNow(active.EndsAt!.Value - TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await bot.EndRemindNowAsync());
        bot.Time.Advance(TimeSpan.FromSeconds(1));
        var reminder = await Wait.UntilAsync(() => Task.FromResult(bot.Slack.CallsTo("chat.postMessage").FirstOrDefault(c => IsSlackReminder(c, id))), "the reminder in alice's DM");
        Assert.Contains("cannot be extended", reminder.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(EndingSoonNotice.ExtendId, reminder.Json, StringComparison.Ordinal);

        // Once: passing again does nothing, and the end itself brings no second reminder.
        Assert.Equal(0, await bot.EndRemindNowAsync());
        bot.Time.Advance(TimeSpan.FromMinutes(10));
        await bot.WaitForStatusAsync(id, RequestStatus.Expired);
        Assert.Equal(0, await bot.EndRemindNowAsync());
        Assert.Single(bot.Slack.CallsTo("chat.postMessage"), c => IsSlackReminder(c, id));
        await bot.AuditSealedAsync();
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'access.ending_reminded' AND actor = 'policy'"));
    }

    [Fact]
    public async Task OnTeams_TheReminderCarriesAnExtendButton_WithTheDurationsStillAllowed()
    {
        await using var bot = await BotHost.StartAsync(Extendable);
        var id = await bot.TeamsRequestAccessAsync();
        await bot.TeamsClickAsync(TeamsIds.Bob, id, approve: true);
        var active = await bot.WaitForStatusAsync(id, RequestStatus.Active);

        bot.Time.SetUtcNow(active.EndsAt!.Value - TimeSpan.FromMinutes(10));
        var reminder = await Wait.UntilAsync(() => Task.FromResult(bot.Teams.CallsTo("send").FirstOrDefault(c => IsTeamsReminder(c, id))), "the reminder in alice's Teams chat");
        Assert.NotEqual(BotHost.TeamsApprovalChannel, reminder.ConversationId);
        var card = reminder.Card!;
        var extend = Assert.Single(card["actions"]!.AsArray());
        Assert.Equal("Action.Execute", extend!["type"]!.GetValue<string>());
        Assert.Equal(EndingSoonNotice.ExtendId, extend["verb"]!.GetValue<string>());
        Assert.Equal(id, extend["data"]!["requestId"]!.GetValue<long>());

        // 2h of the 4h allowed are used: 15m, 30m, 1h and 2h are offered, nothing longer.
        var choices = card["body"]!.AsArray().Single(e => e!["type"]!.GetValue<string>() == "Input.ChoiceSet")!["choices"]!.AsArray();
        Assert.Equal(["900", "1800", "3600", "7200"], choices.Select(c => c!["value"]!.GetValue<string>()));
        Assert.Contains("up to 2h more", reminder.Json, StringComparison.Ordinal);
        Assert.Equal(0, await bot.EndRemindNowAsync());
        Assert.Single(bot.Teams.CallsTo("send"), c => IsTeamsReminder(c, id));
    }

    [Fact]
    public async Task AfterARestart_AndWithTwoInstances_TheReminderIsSentOnce()
    {
        await using var first = await BotHost.StartAsync(Extendable);
        var id = await first.RequestAccessAsync();
        await first.ClickApproveAsync("U0BOB", id);
        var active = await first.WaitForStatusAsync(id, RequestStatus.Active);

        // The instance that granted goes away; two others run from the same database.
        await first.App.StopAsync();
        await using var second = await BotHost.StartAsync(Extendable, shareDatabaseWith: first);
        await using var third = await BotHost.StartAsync(Extendable, shareDatabaseWith: first);

        second.Time.SetUtcNow(active.EndsAt!.Value - TimeSpan.FromMinutes(9));
        var reminder = await Wait.UntilAsync(() => Task.FromResult(second.Slack.CallsTo("chat.postMessage").FirstOrDefault(c => IsSlackReminder(c, id))), "the reminder");
        Assert.Contains(EndingSoonNotice.ExtendId, reminder.Json, StringComparison.Ordinal);
        Assert.Contains($"\"value\":\"{id}:900\"", reminder.Json, StringComparison.Ordinal);

        Assert.Equal(0, await second.EndRemindNowAsync());
        Assert.Equal(0, await third.EndRemindNowAsync());
        await second.AuditSealedAsync();
        Assert.Equal(1, await second.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'access.ending_reminded'"));
        Assert.Single(second.Slack.CallsTo("chat.postMessage"), c => IsSlackReminder(c, id));
    }

    [Fact]
    public async Task AccessOfTenMinutesOrLess_GetsNoReminder()
    {
        await using var bot = await BotHost.StartAsync(SlowPoll);
        var id = await bot.RequestAccessAsync(text: "request prod-db-read 10m quick look");
        await bot.ClickApproveAsync("U0BOB", id);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        Assert.Equal(0, await bot.ScalarAsync($"SELECT count(*) FROM jit.access_requests WHERE id = {id} AND end_reminder_at IS NOT NULL"));
        bot.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, await bot.EndRemindNowAsync());
    }
}
