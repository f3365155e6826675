using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Audit;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Requests;

/// <summary>Reminders and escalation of a waiting request: on time by a fake clock, once across instances, after a restart too.</summary>
public sealed class ReminderAndEscalationTests
{
    private static void RemindAndEscalate(Dictionary<string, string?> s)
    {
        s["Roles:prod-db-read:PendingTimeout"] = "01:00:00";
        s["Roles:prod-db-read:ReminderAfter"] = "00:15:00";
        s["Roles:prod-db-read:EscalateAfter"] = "00:30:00";
        s["Groups:sre-leads:0"] = "erin";
        s["Roles:prod-db-read:EscalateTo:0"] = "group:sre-leads";
        // Far longer than a test waits: only the schedulers' exact wake-ups can be on time.
        s["Revocation:PollInterval"] = "00:01:00";
    }

    private static bool IsReminder(SlackCall call, long id) =>
        call.Body["thread_ts"] is not null && call.Text.Contains($"Reminder: request #{id}", StringComparison.Ordinal);

    [Fact]
    public async Task TheApproversAreRemindedOnce_ThenTheRequestIsEscalated_AndTheEscalatedPersonDecides()
    {
        await using var bot = await BotHost.StartAsync(RemindAndEscalate);
        var id = await bot.RequestAccessAsync();
        var card = await Wait.UntilAsync(() => Task.FromResult(bot.Slack.CallsTo("chat.postMessage").FirstOrDefault(c => c.Body["channel"]?.GetValue<string>() == BotHost.ApprovalChannel)), "the approval card");
        await Wait.UntilAsync(() => bot.Teams.CallsTo("send").Any(c => c.ConversationId == BotHost.TeamsApprovalChannel), "the Teams card");

        // erin is not an approver yet.
        Assert.Contains("not an approver", (await bot.TeamsClickAsync(TeamsIds.Erin, id, approve: true))["value"]!.ToJsonString(), StringComparison.Ordinal);

        // After 15 minutes: a thread reply under the card mentioning the approvers, and a Teams message to each.
        bot.Time.Advance(TimeSpan.FromMinutes(15));
        var reminder = await Wait.UntilAsync(() => Task.FromResult(bot.Slack.CallsTo("chat.postMessage").FirstOrDefault(c => IsReminder(c, id))), "the reminder in the card's thread");
        Assert.Equal(card.Body["channel"]!.GetValue<string>(), reminder.Body["channel"]!.GetValue<string>());
        Assert.Equal(await bot.ScalarTextOrNullAsync($"SELECT message_id FROM jit.chat_messages WHERE request_id = {id} AND platform = 'slack'"), reminder.Body["thread_ts"]!.GetValue<string>());
        Assert.Contains("<@U0BOB>", reminder.Text, StringComparison.Ordinal);
        Assert.Contains("<@U0DAVE>", reminder.Text, StringComparison.Ordinal);
        await Wait.UntilAsync(() => bot.Teams.CallsTo("send").Count(c => c.Text.Contains($"Reminder: request #{id}", StringComparison.Ordinal)) == 2, "a Teams message to bob and to dave");
        Assert.Equal(0, await bot.NudgeNowAsync());
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'request.reminded' AND details->>'approvers' = 'bob, dave'"));

        // After 30 minutes: escalated to erin, who gets the card and may decide.
        bot.Time.Advance(TimeSpan.FromMinutes(15));
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.update").Any(c => c.Json.Contains("Escalated to <@U0ERIN>", StringComparison.Ordinal) && c.Json.Contains("jit_approve", StringComparison.Ordinal)), "the card saying it was escalated to erin");
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postMessage").Any(c => c.Body["thread_ts"] is not null && c.Text.Contains("<@U0ERIN>", StringComparison.Ordinal) && c.Text.Contains("was escalated to you", StringComparison.Ordinal)), "erin mentioned in the thread");
        await Wait.UntilAsync(() => bot.Teams.CallsTo("send").Any(c => c.Card is not null && c.ConversationId != BotHost.TeamsApprovalChannel && c.Json.Contains("Escalated to erin", StringComparison.Ordinal)), "the card in erin's Teams chat");
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'request.escalated' AND details->>'to' = 'erin'"));
        Assert.Equal(["erin"], (await bot.RequestAsync(id)).EscalatedTo);

        var approved = await bot.TeamsClickAsync(TeamsIds.Erin, id, approve: true);
        Assert.Contains($"You approved #{id}.", approved["value"]!.ToJsonString(), StringComparison.Ordinal);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);

        // Decided: nothing more is due; the timeout never comes.
        bot.Time.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(0, await bot.NudgeNowAsync());
        Assert.Equal(0, await bot.TimeOutNowAsync());
        Assert.Single(bot.Slack.CallsTo("chat.postMessage"), c => IsReminder(c, id));
    }

    [Fact]
    public async Task AfterARestart_AndWithTwoInstances_TheReminderAndTheEscalationHappenOnce()
    {
        await using var first = await BotHost.StartAsync(RemindAndEscalate);
        var id = await first.RequestAccessAsync();
        await Wait.UntilAsync(() => first.Slack.CallsTo("chat.postMessage").Any(c => c.Body["channel"]?.GetValue<string>() == BotHost.ApprovalChannel), "the approval card");

        // The instance that took the request goes away; two others run from the same database.
        await first.App.StopAsync();
        await using var second = await BotHost.StartAsync(RemindAndEscalate, shareDatabaseWith: first);
        await using var third = await BotHost.StartAsync(RemindAndEscalate, shareDatabaseWith: first);

        second.Time.Advance(TimeSpan.FromMinutes(15));
        await Wait.UntilAsync(() => second.Slack.CallsTo("chat.postMessage").Any(c => IsReminder(c, id)), "the reminder");
        second.Time.Advance(TimeSpan.FromMinutes(15));
        await second.WaitForEscalationAsync(id);

        // Both instances passing again do nothing more: each was claimed once, with its audit entry.
        Assert.Equal(0, await second.NudgeNowAsync());
        Assert.Equal(0, await third.NudgeNowAsync());
        await Wait.UntilAsync(() => second.Slack.CallsTo("chat.postMessage").Any(c => c.Body["thread_ts"] is not null && c.Text.Contains("was escalated to you", StringComparison.Ordinal)), "the escalation message");
        Assert.Equal(1, await second.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'request.reminded'"));
        Assert.Equal(1, await second.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'request.escalated'"));
        Assert.Single(second.Slack.CallsTo("chat.postMessage"), c => IsReminder(c, id));
        Assert.Single(second.Slack.CallsTo("chat.postMessage"), c => c.Body["thread_ts"] is not null && c.Text.Contains("was escalated to you", StringComparison.Ordinal));
    }
}
