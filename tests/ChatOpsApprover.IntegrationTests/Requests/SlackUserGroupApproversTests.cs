using ChatOpsApprover.Chat.Slack;
using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Requests;

/// <summary>Approvers named as a Slack usergroup ("slack:S0DBAS"): members by usergroups.users.list, mapped to people, cached through outages.</summary>
public sealed class SlackUserGroupApproversTests
{
    [Fact]
    public async Task AUsergroupMember_Approves_WithSlackAnswering429Once_OnSlackAndAsTheirTeamsIdentity()
    {
        await using var bot = await BotHost.StartAsync(s =>
        {
            s["Roles:prod-db-read:Approvers:0"] = "slack:S0DBAS";
            s.Remove("Roles:prod-db-read:Approvers:1");
        });
        var groups = bot.Service<SlackUserGroups>();

        // Slack knows the group now; its first answer is a 429, which the client waits out and retries.
        bot.Slack.UserGroups["S0DBAS"] = ["U0BOB", "U0NOBODY"];
        bot.Slack.RateLimitNext("usergroups.users.list", 1);
        Assert.Equal(1, await groups.RefreshAsync(CancellationToken.None));
        Assert.Contains(bot.Slack.Calls, c => c.Method == "usergroups.users.list#overridden");
        var read = bot.Slack.CallsTo("usergroups.users.list").Last();
        Assert.Equal("S0DBAS", read.Body["usergroup"]!.GetValue<string>());
        Assert.Equal("Bearer xoxb-test-token", read.Authorization);

        // dave is not in the group; bob is, and counts as a person (also from Teams).
        var id = await bot.RequestAccessAsync();
        await bot.ClickApproveAsync("U0DAVE", id);
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postEphemeral").Any(c => c.Body["user"]?.GetValue<string>() == "U0DAVE" && c.Text.Contains("not an approver", StringComparison.Ordinal)), "dave refused");
        Assert.Contains($"You approved #{id}.", (await bot.TeamsClickAsync(TeamsIds.Bob, id, approve: true))["value"]!.ToJsonString(), StringComparison.Ordinal);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);

        // Slack failing keeps the last known members in force.
        bot.Slack.FailNext("usergroups.users.list", "fatal_error");
        Assert.Equal(0, await groups.RefreshAsync(CancellationToken.None));
        var next = await bot.RequestAccessAsync();
        await bot.ClickApproveAsync("U0BOB", next);
        await bot.WaitForStatusAsync(next, RequestStatus.Active);
    }
}
