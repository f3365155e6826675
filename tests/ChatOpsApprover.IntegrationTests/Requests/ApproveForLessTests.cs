using System.Text.Json.Nodes;
using ChatOpsApprover.Chat.Teams;
using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Requests;

/// <summary>Approve for less: a Slack select beside Approve, a Teams choice submitted with Approve; the shortest chosen stands.</summary>
public sealed class ApproveForLessTests
{
    [Fact]
    public async Task TwoApproversChooseDifferentDurations_OnSlackAndTeams_TheShortestIsGranted_AndTheRequesterIsTold()
    {
        await using var bot = await BotHost.StartAsync(s => s["Roles:prod-db-read:RequiredApprovals"] = "2");
        var id = await bot.RequestAccessAsync();
        var card = await Wait.UntilAsync(() => Task.FromResult(bot.Slack.CallsTo("chat.postMessage").FirstOrDefault(c => c.Body["channel"]?.GetValue<string>() == BotHost.ApprovalChannel)), "the approval card");
        Assert.Contains("\"static_select\"", card.Json, StringComparison.Ordinal);
        Assert.Contains($"\"value\":\"{id}:3600\"", card.Json, StringComparison.Ordinal);
        Assert.DoesNotContain($"\"value\":\"{id}:7200\"", card.Json, StringComparison.Ordinal);

        // bob picks 1h on Slack: that is his approval.
        await bot.SelectShorterAsync("U0BOB", id, TimeSpan.FromHours(1));
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.update").Any(c => c.Json.Contains("1h (asked for 2h)", StringComparison.Ordinal) && c.Json.Contains("1 of 2 approvals", StringComparison.Ordinal)), "the card with bob's shorter approval");

        // dave approves for 30m on Teams.
        var answer = await bot.TeamsClickAsync(TeamsIds.Dave, id, approve: true, inputs: new JsonObject { [TeamsApprovalCard.DurationInput] = "1800" });
        Assert.Contains($"You approved #{id}.", answer["value"]!.ToJsonString(), StringComparison.Ordinal);

        var active = await bot.WaitForStatusAsync(id, RequestStatus.Active);
        Assert.Equal(active.GrantedAt + TimeSpan.FromMinutes(30), active.EndsAt);
        Assert.Equal(TimeSpan.FromMinutes(30), active.ApprovedDuration);
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postMessage").Any(c => c.Body["channel"]?.GetValue<string>() == "DU0ALICE" && c.Text.Contains("for 30m instead of the 2h asked", StringComparison.Ordinal)), "alice told the duration she got");
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'request.approved' AND details->>'duration' = '30m'"));

        // Revoked at the end of the shorter window.
        bot.Time.Advance(TimeSpan.FromMinutes(30));
        await bot.SweepNowAsync();
        await bot.WaitForStatusAsync(id, RequestStatus.Expired);
        Assert.False(await bot.HasRoleAsync(bot.LoginOf("alice")));
    }

    [Fact]
    public async Task ADurationThatWasNotOffered_ChangesNothing()
    {
        await using var bot = await BotHost.StartAsync();
        var id = await bot.TeamsRequestAccessAsync();
        foreach (var chosen in new[] { "7200", "2700", "soon" })
        {
            var answer = await bot.TeamsClickAsync(TeamsIds.Dave, id, approve: true, inputs: new JsonObject { [TeamsApprovalCard.DurationInput] = chosen });
            Assert.Contains("That duration is not offered", answer["value"]!.ToJsonString(), StringComparison.Ordinal);
        }

        await bot.SelectShorterAsync("U0BOB", id, TimeSpan.FromHours(3));
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postEphemeral").Any(c => c.Text.Contains("That duration is not offered", StringComparison.Ordinal)), "bob told");
        Assert.Equal(RequestStatus.Pending, (await bot.RequestAsync(id)).Status);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.decisions"));
    }
}
