using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Audit;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Requests;

/// <summary>
/// "jit list" for an approver, through the real Slack and Teams endpoints: the requests waiting for their answer (an
/// approver of the role, also through an escalation; not their own; not answered yet), each with a link to its card.
/// </summary>
public sealed class ApproverListTests
{
    private const string Waiting = "Waiting for your decision:";

    /// <summary>Two approvals needed, so one approval leaves a request waiting; dave may request too; erin is escalated to.</summary>
    private static Task<BotHost> StartAsync() => BotHost.StartAsync(s =>
    {
        s["Roles:prod-db-read:RequiredApprovals"] = "2";
        s["Roles:prod-db-read:EscalateAfter"] = "00:30:00";
        s["Roles:prod-db-read:EscalateTo:0"] = "erin";
        s["People:dave:Logins:prod-db"] = "dave_login";
    });

    /// <summary>Where the request's card was posted on a platform, once it was.</summary>
    private static async Task<(string Channel, string MessageId)> CardAsync(BotHost bot, long id, string platform)
    {
        var channel = await Wait.UntilAsync(() => bot.ScalarTextOrNullAsync($"SELECT channel FROM jit.chat_messages WHERE request_id = {id} AND platform = '{platform}'"), $"request {id}'s {platform} card");
        return (channel, await bot.ScalarTextAsync($"SELECT message_id FROM jit.chat_messages WHERE request_id = {id} AND platform = '{platform}'"));
    }

    private static string SlackPermalink((string Channel, string MessageId) card) => $"https://slack.com/archives/{card.Channel}/p{card.MessageId.Replace(".", string.Empty, StringComparison.Ordinal)}";

    private static string WaitingPart(string reply) => reply.Contains(Waiting, StringComparison.Ordinal) ? reply[reply.IndexOf(Waiting, StringComparison.Ordinal)..] : string.Empty;

    [Fact]
    public async Task OnSlack_AnApproverSeesWhatWaitsForThem_WithPermalinks_NotTheirOwnNorWhatTheyAnswered()
    {
        await using var bot = await StartAsync();
        var alices = await bot.RequestAccessAsync("U0ALICE");
        var carols = await bot.RequestAccessAsync("U0CAROL", "request prod-db-read 1h check INC-7");
        var daves = await bot.RequestAccessAsync("U0DAVE", "request prod-db-read 30m look at INC-8");
        var alicesCard = await CardAsync(bot, alices, "slack");
        var carolsCard = await CardAsync(bot, carols, "slack");
        var davesCard = await CardAsync(bot, daves, "slack");
        Assert.Equal(BotHost.ApprovalChannel, alicesCard.Channel);
        Assert.Contains(".", alicesCard.MessageId, StringComparison.Ordinal);

        // bob answered alice's request (one of two approvals): it no longer waits for him.
        await bot.ClickApproveAsync("U0BOB", alices);
        Assert.Equal(RequestStatus.Pending, (await bot.RequestAsync(alices)).Status);

        var bobs = WaitingPart(await bot.CommandAsync("U0BOB", "list"));
        Assert.DoesNotContain($"#{alices} ", bobs, StringComparison.Ordinal);
        Assert.Contains($"#{carols} prod-db-read for 1h, asked by carol", bobs, StringComparison.Ordinal);
        Assert.Contains(SlackPermalink(carolsCard), bobs, StringComparison.Ordinal);
        Assert.Contains($"#{daves} prod-db-read for 30m, asked by dave", bobs, StringComparison.Ordinal);
        Assert.Contains(SlackPermalink(davesCard), bobs, StringComparison.Ordinal);

        // dave sees alice's and carol's, never his own, which stays in his own list.
        var davesReply = await bot.CommandAsync("U0DAVE", "list");
        var davesWaiting = WaitingPart(davesReply);
        Assert.Contains(SlackPermalink(alicesCard), davesWaiting, StringComparison.Ordinal);
        Assert.Contains(SlackPermalink(carolsCard), davesWaiting, StringComparison.Ordinal);
        Assert.DoesNotContain($"#{daves} ", davesWaiting, StringComparison.Ordinal);
        Assert.Contains($"#{daves} prod-db-read for 30m — waiting for approval", davesReply, StringComparison.Ordinal);

        // Someone who approves nothing gets the list as before; erin, before any escalation, has nothing waiting.
        Assert.DoesNotContain(Waiting, await bot.CommandAsync("U0ALICE", "list"), StringComparison.Ordinal);
        Assert.DoesNotContain(Waiting, await bot.CommandAsync("U0ERIN", "list"), StringComparison.Ordinal);

        // Escalated to erin: now all three wait for her.
        bot.Time.Advance(TimeSpan.FromMinutes(31));
        await bot.NudgeNowAsync();
        await bot.WaitForEscalationAsync(alices);
        await bot.WaitForEscalationAsync(daves);
        var erins = WaitingPart(await bot.CommandAsync("U0ERIN", "list"));
        Assert.Contains(SlackPermalink(alicesCard), erins, StringComparison.Ordinal);
        Assert.Contains(SlackPermalink(carolsCard), erins, StringComparison.Ordinal);
        Assert.Contains(SlackPermalink(davesCard), erins, StringComparison.Ordinal);

        // A decided request leaves every list.
        using (await bot.DenyAsync("U0BOB", carols))
        {
        }

        await bot.WaitForStatusAsync(carols, RequestStatus.Denied);
        Assert.DoesNotContain(SlackPermalink(carolsCard), await bot.CommandAsync("U0ERIN", "list"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnTeams_AnApproverSeesWhatWaitsForThem_WithDeepLinksToTheTeamsCards()
    {
        await using var bot = await StartAsync();
        var alices = await bot.TeamsRequestAccessAsync(TeamsIds.Alice);
        var card = await CardAsync(bot, alices, "teams");
        Assert.Equal(BotHost.TeamsApprovalChannel, card.Channel);

        var bobs = WaitingPart(await bot.TeamsCommandAsync(TeamsIds.Bob, "jit list"));
        Assert.Contains($"#{alices} prod-db-read for 2h, asked by alice", bobs, StringComparison.Ordinal);
        Assert.Contains($"https://teams.microsoft.com/l/message/{BotHost.TeamsApprovalChannel}/{card.MessageId}", bobs, StringComparison.Ordinal);

        // The requester is no approver of their own request, and an answered request no longer waits.
        Assert.DoesNotContain(Waiting, await bot.TeamsCommandAsync(TeamsIds.Alice, "jit list"), StringComparison.Ordinal);
        await bot.TeamsClickAsync(TeamsIds.Bob, alices, approve: true);
        Assert.DoesNotContain(Waiting, await bot.TeamsCommandAsync(TeamsIds.Bob, "jit list"), StringComparison.Ordinal);
        Assert.Contains("https://teams.microsoft.com/l/message/", WaitingPart(await bot.TeamsCommandAsync(TeamsIds.Dave, "jit list")), StringComparison.Ordinal);
    }
}
