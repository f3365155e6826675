using System.Net;
using ChatOpsApprover.Chat.Cards;
using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Requests;

/// <summary>
/// Second-factor confirmations on extensions, through Slack and Teams: an approver's approval counts only once confirmed
/// (StepUp Approver), the requester confirms their own extension (StepUp Requester), and a confirmation after the end
/// changes nothing.
/// </summary>
public sealed class ExtensionStepUpTests
{
    private static Task<BotHost> StartAsync(string stepUp, bool requiresApproval) => BotHost.StartAsync(s =>
    {
        // Links live long enough to be used after a short window ended.
        s["StepUp:LinkLifetime"] = "01:00:00";
        s["Roles:prod-db-read:StepUp"] = stepUp;
        s["Roles:prod-db-read:Extend:MaxTotal"] = "04:00:00";
        s["Roles:prod-db-read:Extend:RequiresApproval"] = requiresApproval ? "true" : "false";
    });

    /// <summary>Every step-up link the bot sent to a Teams user in their 1:1 chat, oldest first.</summary>
    private static IReadOnlyList<Uri> TeamsLinks(BotHost bot, string aadObjectId) =>
        bot.Teams.CallsTo("send").Where(c => c.ConversationId == TeamsIds.PersonalConversation(aadObjectId))
            .Select(c => StepUpSteps.FindLink(c.Text, "stepup")).OfType<Uri>().ToList();

    private static Task<Uri> TeamsLinkAsync(BotHost bot, string aadObjectId, int index) =>
        Wait.UntilAsync(() => Task.FromResult(TeamsLinks(bot, aadObjectId) is { } links && links.Count > index ? links[index] : null), $"step-up link #{index + 1} in a Teams chat");

    [Fact]
    public async Task OnSlack_AnApprovalOfAnExtension_CountsOnlyOnceTheApproverConfirmsIt()
    {
        await using var bot = await StartAsync("Approver", requiresApproval: true);
        using var bobsBrowser = new LinkBrowser();
        var bobsSecret = await bot.EnrollAsync("U0BOB", bobsBrowser);
        var id = await bot.RequestAccessAsync();
        await bot.ClickApproveAsync("U0BOB", id);
        Assert.Equal("Approval confirmed", (await bobsBrowser.SubmitAsync(await bot.WaitForLinkAsync("U0BOB", index: 0), bot.Code(bobsSecret))).Title);
        var oldEnd = (await bot.WaitForStatusAsync(id, RequestStatus.Active)).EndsAt!.Value;
        bot.Time.Advance(TimeSpan.FromSeconds(30));

        var extensionId = ExtensionSteps.ExtensionId(await bot.CommandAsync("U0ALICE", $"extend {id} 1h"));
        await ExtensionSteps.ClickExtensionAsync(bot, "U0BOB", extensionId, approve: true);
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postEphemeral").Any(c => c.Body["user"]?.GetValue<string>() == "U0BOB"
            && c.Text.Contains($"Your approval of extension #{extensionId} counts only once you confirm it", StringComparison.Ordinal)), "bob told his approval waits");
        Assert.Equal(oldEnd, (await bot.RequestAsync(id)).EndsAt);
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.extensions WHERE id = {extensionId} AND status = 'pending' AND approved_by = '{{}}' AND awaiting_step_up = '{{bob}}'"));
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.update").Any(c => c.Json.Contains($"Extension #{extensionId} of request", StringComparison.Ordinal)
            && c.Json.Contains("waiting for second-factor confirmation from bob", StringComparison.Ordinal) && c.Json.Contains(CardAction.ApproveExtensionId, StringComparison.Ordinal)), "the card says it waits for bob's confirmation");

        // The link names the extension; a wrong code counts nothing.
        var link = await bot.WaitForLinkAsync("U0BOB", index: 1);
        Assert.Equal($"Confirm your approval of extension #{extensionId}", (await bobsBrowser.OpenAsync(link)).Title);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await bobsBrowser.SubmitAsync(link, bot.WrongCode(bobsSecret))).Status);
        Assert.Equal(oldEnd, (await bot.RequestAsync(id)).EndsAt);

        var confirmed = await bobsBrowser.SubmitAsync(link, bot.Code(bobsSecret));
        Assert.Equal("Confirmed", confirmed.Title);
        Assert.Equal(oldEnd + TimeSpan.FromHours(1), (await bot.RequestAsync(id)).EndsAt);
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postMessage").Any(c => c.Body["channel"]?.GetValue<string>() == "DU0ALICE" && c.Text.Contains($"Extension #{extensionId} was approved by bob", StringComparison.Ordinal)), "alice told");
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.update").Any(c => c.Json.Contains($"Extension #{extensionId} of request", StringComparison.Ordinal)
            && c.Json.Contains("approved by bob", StringComparison.Ordinal) && !c.Json.Contains(CardAction.ApproveExtensionId, StringComparison.Ordinal)), "the card updated, without its buttons");

        // The used link changes nothing more.
        Assert.Equal(HttpStatusCode.Gone, (await bobsBrowser.OpenAsync(link)).Status);
        await bot.AuditSealedAsync();
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'stepup.started' AND actor = 'bob' AND details->>'extension' = '{extensionId}' AND details->>'purpose' = 'approver'"));
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'stepup.verified' AND actor = 'bob' AND details->>'extension' = '{extensionId}'"));
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'access.extended' AND details->>'approved_by' = 'bob' AND details->>'extension' = '{extensionId}'"));
    }

    [Fact]
    public async Task OnTeams_AnApproversConfirmationAfterTheAccessEnded_ChangesNothing()
    {
        await using var bot = await StartAsync("Both", requiresApproval: true);
        using var bobsBrowser = new LinkBrowser();
        using var alicesBrowser = new LinkBrowser();
        var bobsSecret = await bot.CompleteEnrollmentAsync(StepUpSteps.FindLink(await bot.TeamsCommandAsync(TeamsIds.Bob, "jit enroll"), "enroll")!, bobsBrowser);
        var alicesSecret = await bot.CompleteEnrollmentAsync(StepUpSteps.FindLink(await bot.TeamsCommandAsync(TeamsIds.Alice, "jit enroll"), "enroll")!, alicesBrowser);
        var id = await bot.TeamsRequestAccessAsync(text: "jit request prod-db-read 30m fix INC-1234");
        await bot.TeamsClickAsync(TeamsIds.Bob, id, approve: true);
        Assert.Equal("Approval confirmed", (await bobsBrowser.SubmitAsync(await TeamsLinkAsync(bot, TeamsIds.Bob, 0), bot.Code(bobsSecret))).Title);
        Assert.Equal("Confirmed", (await alicesBrowser.SubmitAsync(await TeamsLinkAsync(bot, TeamsIds.Alice, 0), bot.Code(alicesSecret))).Title);
        var request = await bot.WaitForStatusAsync(id, RequestStatus.Active);
        bot.Time.Advance(TimeSpan.FromSeconds(30));

        // With Both, the requester confirms her extension too: a link for her, and one for bob once he clicks.
        var reply = await bot.TeamsCommandAsync(TeamsIds.Alice, $"jit extend {id} 1h");
        Assert.Contains("waits for you to confirm it with your second factor", reply, StringComparison.Ordinal);
        var extensionId = ExtensionSteps.ExtensionId(reply);
        using var click = await bot.PostTeamsAsync(bot.TeamsCardAction(TeamsIds.Bob, extensionId, CardAction.ApproveExtensionId));
        var answer = await click.Content.ReadAsStringAsync();
        Assert.Contains($"Your approval of extension #{extensionId} counts only once you confirm it", answer, StringComparison.Ordinal);
        Assert.Contains("waiting for alice, bob", answer, StringComparison.Ordinal);
        var alicesLink = await TeamsLinkAsync(bot, TeamsIds.Alice, 1);
        var bobsLink = await TeamsLinkAsync(bot, TeamsIds.Bob, 1);

        // Alice confirms in time; bob only after the end (the revocation already ran).
        Assert.Contains("now waits for an approver", (await alicesBrowser.SubmitAsync(alicesLink, bot.Code(alicesSecret))).Html, StringComparison.Ordinal);
        Assert.Equal(request.EndsAt, (await bot.RequestAsync(id)).EndsAt);
        bot.Time.SetUtcNow(request.EndsAt!.Value);
        await bot.WaitForStatusAsync(id, RequestStatus.Expired);
        var late = await bobsBrowser.OpenAsync(bobsLink);
        Assert.Equal(HttpStatusCode.Conflict, late.Status);
        Assert.Contains("lapsed", late.Html, StringComparison.Ordinal);
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.extensions WHERE id = {extensionId} AND status = 'lapsed'"));

        Assert.Equal(RequestStatus.Expired, (await bot.RequestAsync(id)).Status);
        Assert.Equal(request.EndsAt, (await bot.RequestAsync(id)).EndsAt);
        Assert.False(await bot.HasRoleAsync(bot.LoginOf("alice")));
        await bot.AuditSealedAsync();
        Assert.Equal(0, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'access.extended'"));
        Assert.Equal(0, await bot.ScalarAsync($"SELECT count(*) FROM jit.extensions WHERE id = {extensionId} AND status = 'approved'"));
    }

    [Fact]
    public async Task OnSlack_TheRequesterConfirmsHerOwnExtension_EvenWhenNoApprovalIsNeeded()
    {
        await using var bot = await StartAsync("Requester", requiresApproval: false);
        using var alicesBrowser = new LinkBrowser();
        var alicesSecret = await bot.EnrollAsync("U0ALICE", alicesBrowser);
        var id = await bot.RequestAccessAsync();
        await bot.ClickApproveAsync("U0BOB", id);
        Assert.Equal("Confirmed", (await alicesBrowser.SubmitAsync(await bot.WaitForLinkAsync("U0ALICE", index: 0), bot.Code(alicesSecret))).Title);
        var oldEnd = (await bot.WaitForStatusAsync(id, RequestStatus.Active)).EndsAt!.Value;
        bot.Time.Advance(TimeSpan.FromSeconds(30));

        var reply = await bot.CommandAsync("U0ALICE", $"extend {id} 30m");
        Assert.Contains("waits for you to confirm it with your second factor", reply, StringComparison.Ordinal);
        var extensionId = ExtensionSteps.ExtensionId(reply);
        Assert.Equal(oldEnd, (await bot.RequestAsync(id)).EndsAt);

        // Asking again says the extension waits for her own confirmation, not for an approver, and changes nothing.
        var again = await bot.CommandAsync("U0ALICE", $"extend {id} 15m");
        Assert.Contains($"Extension #{extensionId} of request #{id} (by 30m) already waits for you to confirm it with your second factor", again, StringComparison.Ordinal);
        Assert.Contains($"jit confirm {id}", again, StringComparison.Ordinal);
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.extensions WHERE request_id = {id}"));

        // "jit confirm" gives a fresh link; the first one stops working.
        var first = await bot.WaitForLinkAsync("U0ALICE", index: 1);
        var fresh = StepUpSteps.FindLink(await bot.CommandAsync("U0ALICE", $"confirm {id}"), "stepup");
        Assert.NotNull(fresh);
        Assert.Equal(HttpStatusCode.Gone, (await alicesBrowser.OpenAsync(first)).Status);
        Assert.Equal(oldEnd, (await bot.RequestAsync(id)).EndsAt);

        Assert.Equal("Confirmed", (await alicesBrowser.SubmitAsync(fresh, bot.Code(alicesSecret))).Title);
        Assert.Equal(oldEnd + TimeSpan.FromMinutes(30), (await bot.RequestAsync(id)).EndsAt);
        await bot.AuditSealedAsync();
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'stepup.verified' AND actor = 'alice' AND details->>'extension' = '{extensionId}' AND details->>'purpose' = 'requester'"));
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'access.extended' AND details->>'approved_by' = 'policy'"));
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.extension_messages"));
    }
}
