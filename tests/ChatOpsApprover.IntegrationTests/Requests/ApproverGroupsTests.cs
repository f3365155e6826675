using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Requests;

/// <summary>Approvers and requesters named through Groups, N of M by distinct people, on Slack and on Teams.</summary>
public sealed class ApproverGroupsTests
{
    /// <summary>dba = bob, dave approve (two of them needed); engineers = alice may request; carol may not.</summary>
    private static void TwoOfTheDbaGroup(Dictionary<string, string?> s)
    {
        s["Groups:dba:0"] = "bob";
        s["Groups:dba:1"] = "dave";
        s["Groups:engineers:0"] = "alice";
        s["Roles:prod-db-read:Approvers:0"] = "group:dba";
        s.Remove("Roles:prod-db-read:Approvers:1");
        s["Roles:prod-db-read:Requesters:0"] = "group:engineers";
        s["Roles:prod-db-read:RequiredApprovals"] = "2";
    }

    [Fact]
    public async Task GroupApprovers_OnSlack_TwoOfThemGrant_AndTheCardShowsTheProgress()
    {
        await using var bot = await BotHost.StartAsync(TwoOfTheDbaGroup);
        var id = await bot.RequestAccessAsync();
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postMessage").Any(c => c.Body["channel"]?.GetValue<string>() == BotHost.ApprovalChannel && c.Json.Contains("0 of 2 approvals", StringComparison.Ordinal)), "the card with no approval yet");

        await bot.ClickApproveAsync("U0BOB", id);
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.update").Any(c => c.Json.Contains("1 of 2 approvals: <@U0BOB>", StringComparison.Ordinal) && c.Json.Contains("jit_approve", StringComparison.Ordinal)), "the card showing 1 of 2, buttons kept");
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postEphemeral").Any(c => c.Body["user"]?.GetValue<string>() == "U0BOB" && c.Text.Contains("more approvals are needed", StringComparison.Ordinal)), "bob told more are needed");
        Assert.Equal(RequestStatus.Pending, (await bot.RequestAsync(id)).Status);
        Assert.False(await bot.HasRoleAsync(bot.LoginOf("alice")));

        await bot.ClickApproveAsync("U0DAVE", id);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        Assert.True(await bot.HasRoleAsync(bot.LoginOf("alice")));
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.update").Any(c => c.Json.Contains("2 of 2 approvals: <@U0BOB>, <@U0DAVE>", StringComparison.Ordinal)), "the card showing both approvals");
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'request.approval_recorded' AND details->>'approvals' = '1' AND details->>'required' = '2'"));
    }

    [Fact]
    public async Task OnePersonOnTwoPlatforms_CountsOnce()
    {
        await using var bot = await BotHost.StartAsync(TwoOfTheDbaGroup);
        var id = await bot.TeamsRequestAccessAsync();

        await bot.ClickApproveAsync("U0BOB", id);
        var second = await bot.TeamsClickAsync(TeamsIds.Bob, id, approve: true);
        Assert.Contains($"You already answered request #{id}", second["value"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("1 of 2 approvals: bob", second["value"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(RequestStatus.Pending, (await bot.RequestAsync(id)).Status);
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.decisions WHERE request_id = {id}"));

        // The second person, on Teams, completes it.
        var approved = await bot.TeamsClickAsync(TeamsIds.Dave, id, approve: true);
        Assert.Contains($"You approved #{id}.", approved["value"]!.ToJsonString(), StringComparison.Ordinal);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
    }

    [Fact]
    public async Task OnTeams_AGroupApproverApproves_AndSomeoneOutsideTheGroupChangesNothing()
    {
        await using var bot = await BotHost.StartAsync(s =>
        {
            TwoOfTheDbaGroup(s);
            s["Roles:prod-db-read:RequiredApprovals"] = "1";
        });
        var id = await bot.TeamsRequestAccessAsync();
        var refused = await bot.TeamsClickAsync(TeamsIds.Erin, id, approve: true);
        Assert.Contains("not an approver", refused["value"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(0, await bot.ScalarAsync($"SELECT count(*) FROM jit.decisions WHERE request_id = {id}"));

        var approved = await bot.TeamsClickAsync(TeamsIds.Dave, id, approve: true);
        Assert.Contains($"You approved #{id}.", approved["value"]!.ToJsonString(), StringComparison.Ordinal);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
    }

    [Fact]
    public async Task SomeoneNotNamedByRequesters_IsRefused_OnBothPlatforms_AndTheRoleIsNotListedForThem()
    {
        await using var bot = await BotHost.StartAsync(TwoOfTheDbaGroup);
        Assert.Contains("Roles:prod-db-read:Requesters", await bot.CommandAsync("U0CAROL", "request prod-db-read 1h look"), StringComparison.Ordinal);
        Assert.Contains("Roles:prod-db-read:Requesters", await bot.TeamsCommandAsync(TeamsIds.Carol, "jit request prod-db-read 1h look"), StringComparison.Ordinal);
        Assert.DoesNotContain("prod-db-read", await bot.CommandAsync("U0CAROL", "roles"), StringComparison.Ordinal);
        Assert.Contains("prod-db-read", await bot.CommandAsync("U0ALICE", "roles"), StringComparison.Ordinal);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.access_requests"));
    }
}
