using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests;

/// <summary>The whole product on Teams alone: enroll, request, approver step-up, requester step-up, grant, revoke.</summary>
public sealed class TeamsStepUpFlowTests
{
    private static Task<Uri> WaitForTeamsLinkAsync(BotHost bot, string aadObjectId, string kind) =>
        Wait.UntilAsync(
            () => Task.FromResult(bot.Teams.CallsTo("send")
                .Where(c => c.ConversationId == TeamsIds.PersonalConversation(aadObjectId))
                .Select(c => StepUpSteps.FindLink(c.Text, kind))
                .LastOrDefault(l => l is not null)),
            $"a {kind} link in the Teams 1:1 chat of {aadObjectId}");

    private static async Task<byte[]> EnrollOnTeamsAsync(BotHost bot, string aadObjectId, LinkBrowser browser)
    {
        var reply = await bot.TeamsCommandAsync(aadObjectId, "jit enroll");
        var link = StepUpSteps.FindLink(reply, "enroll") ?? throw new InvalidOperationException($"No enrollment link in the Teams reply: {reply}");
        return await bot.CompleteEnrollmentAsync(link, browser);
    }

    [Fact]
    public async Task Request_ApproveWithStepUp_RequesterStepUp_Grant_Revoke_OnTeams()
    {
        await using var bot = await BotHost.StartAsync(s => s["Roles:prod-db-read:StepUp"] = "Both");
        using var aliceBrowser = new LinkBrowser();
        using var bobBrowser = new LinkBrowser("127.0.0.2");
        var aliceSecret = await EnrollOnTeamsAsync(bot, TeamsIds.Alice, aliceBrowser);
        var bobSecret = await EnrollOnTeamsAsync(bot, TeamsIds.Bob, bobBrowser);
        var login = bot.LoginOf("alice");

        var id = await bot.TeamsRequestAccessAsync();

        // bob's click counts only once he confirms with his own second factor, through a link in his 1:1 chat.
        await bot.TeamsClickAsync(TeamsIds.Bob, id, approve: true);
        var bobLink = await WaitForTeamsLinkAsync(bot, TeamsIds.Bob, "stepup");
        Assert.Equal(RequestStatus.Pending, (await bot.RequestAsync(id)).Status);
        Assert.Equal("Approval confirmed", (await bobBrowser.SubmitAsync(bobLink, bot.Code(bobSecret))).Title);
        await bot.WaitForStatusAsync(id, RequestStatus.Approved);

        // Approved is not access: alice confirms too, and only then is the role granted.
        var aliceLink = await WaitForTeamsLinkAsync(bot, TeamsIds.Alice, "stepup");
        Assert.False(await bot.HasRoleAsync(login));
        Assert.Equal("Confirmed", (await aliceBrowser.SubmitAsync(aliceLink, bot.Code(aliceSecret))).Title);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        Assert.True(await bot.HasRoleAsync(login), "the role is really granted at the target");
        Assert.Equal(2, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'stepup.verified'"));

        Assert.Contains("was revoked", await bot.TeamsCommandAsync(TeamsIds.Alice, "jit revoke " + id), StringComparison.Ordinal);
        Assert.False(await bot.HasRoleAsync(login));
        Assert.DoesNotContain(bot.Slack.Calls, c => c.Json.Contains("/stepup/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EnrollInAChannel_SendsTheLinkOnlyToTheAskersOneToOneChat()
    {
        await using var bot = await BotHost.StartAsync();
        var answer = await bot.TeamsCommandAsync(TeamsIds.Alice, "jit enroll", inChannel: true);
        Assert.NotNull(StepUpSteps.FindLink(answer, "enroll"));
        Assert.DoesNotContain(bot.Teams.Calls, c => c.ConversationId is { } conversation
            && conversation.StartsWith(BotHost.TeamsRequestsChannel, StringComparison.Ordinal)
            && c.Json.Contains("/enroll/", StringComparison.Ordinal));
    }
}
