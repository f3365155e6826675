using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Chat.Teams;

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

    /// <summary>Waits until the role's Teams approval card is updated to show a line that starts and ends as given.</summary>
    private static Task WaitForTeamsCardLineAsync(BotHost bot, string startsWith, string endsWith = "") =>
        Wait.UntilAsync(
            () => bot.Teams.CallsTo("update").Any(c => c.ConversationId == BotHost.TeamsApprovalChannel && c.Card is { } card
                && card["body"]!.AsArray().Where(line => line!["inlines"] is not null).Select(line => string.Concat(line!["inlines"]!.AsArray().Select(run => run!["text"]!.GetValue<string>())))
                    .Any(line => line.StartsWith(startsWith, StringComparison.Ordinal) && line.EndsWith(endsWith, StringComparison.Ordinal))),
            $"the Teams card to show \"{startsWith}…{endsWith}\"");

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

        // bob's click counts only once he confirms with his own second factor, through a link in his 1:1 chat; the
        // Teams card says so, like the Slack card.
        await bot.TeamsClickAsync(TeamsIds.Bob, id, approve: true);
        var bobLink = await WaitForTeamsLinkAsync(bot, TeamsIds.Bob, "stepup");
        Assert.Equal(RequestStatus.Pending, (await bot.RequestAsync(id)).Status);
        await WaitForTeamsCardLineAsync(bot, "Approval by bob waiting for their second-factor confirmation");

        // He confirms from a phone he never used here (a new device on a new network): the card shows that risk.
        using var bobPhone = new LinkBrowser("127.0.0.3");
        Assert.Equal("Approval confirmed", (await bobPhone.SubmitAsync(bobLink, bot.Code(bobSecret))).Title);
        await bot.WaitForStatusAsync(id, RequestStatus.Approved);
        await WaitForTeamsCardLineAsync(bot, "Second factor confirmed by approver bob at", "— from a new device, new network");
        await WaitForTeamsCardLineAsync(bot, "Waiting for the requester alice to confirm with their second factor");

        // Approved is not access: alice confirms too, and only then is the role granted.
        var aliceLink = await WaitForTeamsLinkAsync(bot, TeamsIds.Alice, "stepup");
        Assert.False(await bot.HasRoleAsync(login));
        Assert.Equal("Confirmed", (await aliceBrowser.SubmitAsync(aliceLink, bot.Code(aliceSecret))).Title);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        Assert.True(await bot.HasRoleAsync(login), "the role is really granted at the target");
        await WaitForTeamsCardLineAsync(bot, "Second factor confirmed by the requester alice at", "UTC with totp");
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
