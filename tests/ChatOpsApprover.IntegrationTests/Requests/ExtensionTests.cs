using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using ChatOpsApprover.Chat.Cards;
using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Audit;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Requests;

/// <summary>Extending active access: through Slack and Teams, approved or by policy, refused cases, and an approval after the end.</summary>
public sealed class ExtensionTests
{
    private static Action<Dictionary<string, string?>> Extend(bool requiresApproval) => s =>
    {
        s["Roles:prod-db-read:Extend:MaxTotal"] = "04:00:00";
        s["Roles:prod-db-read:Extend:RequiresApproval"] = requiresApproval ? "true" : "false";
    };

    private static async Task<AccessRequest> ActiveRequestAsync(BotHost bot, string user = "U0ALICE")
    {
        var id = await bot.RequestAccessAsync(user);
        await bot.ClickApproveAsync("U0BOB", id);
        return await bot.WaitForStatusAsync(id, RequestStatus.Active);
    }

    [Fact]
    public async Task OnSlack_AnApprovedExtension_MovesTheEnd_TheGrantOutlivesTheOldEnd_AndIsRevokedAtTheNewOne()
    {
        await using var bot = await BotHost.StartAsync(Extend(requiresApproval: true));
        var request = await ActiveRequestAsync(bot);
        var oldEnd = request.EndsAt!.Value;

        var reply = await bot.CommandAsync("U0ALICE", $"extend {request.Id} 1h");
        Assert.Contains("waits for an approver", reply, StringComparison.Ordinal);
        var extensionId = ExtensionSteps.ExtensionId(reply);
        var card = await Wait.UntilAsync(() => Task.FromResult(bot.Slack.CallsTo("chat.postMessage").FirstOrDefault(c =>
            c.Body["channel"]?.GetValue<string>() == BotHost.ApprovalChannel && c.Json.Contains(CardAction.ApproveExtensionId, StringComparison.Ordinal))), "the extension's card");
        Assert.Contains($"Extension #{extensionId} of request #{request.Id}", card.Json, StringComparison.Ordinal);
        await Wait.UntilAsync(() => bot.Teams.CallsTo("send").Any(c => c.ConversationId == BotHost.TeamsApprovalChannel && c.Json.Contains(CardAction.ApproveExtensionId, StringComparison.Ordinal)), "the extension's Teams card");

        // Asking again while one waits changes nothing; the requester cannot approve their own.
        Assert.Contains("already waits", await bot.CommandAsync("U0ALICE", $"extend {request.Id} 30m"), StringComparison.Ordinal);
        await ExtensionSteps.ClickExtensionAsync(bot, "U0ALICE", extensionId, approve: true);
        Assert.Equal(oldEnd, (await bot.RequestAsync(request.Id)).EndsAt);

        await ExtensionSteps.ClickExtensionAsync(bot, "U0BOB", extensionId, approve: true);
        Assert.Equal(oldEnd + TimeSpan.FromHours(1), (await bot.RequestAsync(request.Id)).EndsAt);
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postMessage").Any(c => c.Body["channel"]?.GetValue<string>() == "DU0ALICE" && c.Text.Contains($"Extension #{extensionId} was approved by bob", StringComparison.Ordinal)), "alice told");
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.update").Any(c => c.Json.Contains($"Extension #{extensionId} of request", StringComparison.Ordinal)
            && c.Json.Contains("approved by bob", StringComparison.Ordinal) && !c.Json.Contains(CardAction.ApproveExtensionId, StringComparison.Ordinal)), "the extension's Slack card updated, without its buttons");
        await Wait.UntilAsync(() => bot.Teams.CallsTo("update").Any(c => c.Json.Contains($"Extension #{extensionId} of request", StringComparison.Ordinal)
            && !c.Json.Contains(CardAction.ApproveExtensionId, StringComparison.Ordinal)), "the extension's Teams card updated, without its buttons");

        // Past the old end the grant is still there; at the new one it is revoked.
        bot.Time.SetUtcNow(oldEnd + TimeSpan.FromMinutes(1));
        Assert.Equal(0, await bot.SweepNowAsync());
        Assert.Equal(RequestStatus.Active, (await bot.RequestAsync(request.Id)).Status);
        Assert.True(await bot.HasRoleAsync(bot.LoginOf("alice")));
        bot.Time.SetUtcNow(oldEnd + TimeSpan.FromHours(1));
        await bot.WaitForStatusAsync(request.Id, RequestStatus.Expired);
        Assert.False(await bot.HasRoleAsync(bot.LoginOf("alice")));

        await bot.AuditSealedAsync();
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {request.Id} AND event = 'extension.requested' AND actor = 'alice' AND details->>'by' = '1h'"));
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {request.Id} AND event = 'access.extended' AND details->>'approved_by' = 'bob' AND details->>'extension' = '{extensionId}'"));
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.extensions WHERE id = {extensionId} AND status = 'approved' AND decided_by = 'bob'"));
    }

    [Fact]
    public async Task OnTeams_TheRemindersExtendButton_ExtendsAtOnce_WhenTheRoleNeedsNoApproval_AndTheNewEndGetsItsOwnReminder()
    {
        await using var bot = await BotHost.StartAsync(Extend(requiresApproval: false));
        var id = await bot.TeamsRequestAccessAsync();
        await bot.TeamsClickAsync(TeamsIds.Bob, id, approve: true);
        var oldEnd = (await bot.WaitForStatusAsync(id, RequestStatus.Active)).EndsAt!.Value;
        bot.Time.SetUtcNow(oldEnd - TimeSpan.FromMinutes(10));
        await Wait.UntilAsync(() => bot.Teams.CallsTo("send").Any(c => c.Card is not null && c.Json.Contains(EndingSoonNotice.ExtendId, StringComparison.Ordinal)), "the reminder with Extend");

        using var response = await bot.PostTeamsAsync(bot.TeamsCardAction(TeamsIds.Alice, id, EndingSoonNotice.ExtendId, new JsonObject { ["duration"] = "1800" }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("was extended by 30m", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var extended = await bot.RequestAsync(id);
        Assert.Equal(oldEnd + TimeSpan.FromMinutes(30), extended.EndsAt);
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.access_requests WHERE id = {id} AND end_reminder_at = ends_at - interval '10 minutes'"));

        // A stranger's click on the same button extends nothing.
        using var bobs = await bot.PostTeamsAsync(bot.TeamsCardAction(TeamsIds.Bob, id, EndingSoonNotice.ExtendId, new JsonObject { ["duration"] = "900" }));
        Assert.Contains($"You have no request #{id}", await bobs.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(extended.EndsAt, (await bot.RequestAsync(id)).EndsAt);

        // The old end passes with access kept; the new end revokes it.
        bot.Time.SetUtcNow(oldEnd + TimeSpan.FromMinutes(1));
        Assert.Equal(0, await bot.SweepNowAsync());
        Assert.True(await bot.HasRoleAsync(bot.LoginOf("alice")));
        bot.Time.SetUtcNow(oldEnd + TimeSpan.FromMinutes(30));
        await bot.WaitForStatusAsync(id, RequestStatus.Expired);
        Assert.False(await bot.HasRoleAsync(bot.LoginOf("alice")));
        await bot.AuditSealedAsync();
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'access.extended' AND details->>'approved_by' = 'policy' AND platform = 'teams'"));
    }

    [Fact]
    public async Task Refusals_SayWhatWasWrong_AndChangeNothing()
    {
        await using var bot = await BotHost.StartAsync(Extend(requiresApproval: false));
        var request = await ActiveRequestAsync(bot);

        Assert.Contains("at most 2h more", await bot.CommandAsync("U0ALICE", $"extend {request.Id} 3h"), StringComparison.Ordinal);
        Assert.Contains($"You have no request #{request.Id}", await bot.CommandAsync("U0CAROL", $"extend {request.Id} 1h"), StringComparison.Ordinal);
        Assert.Contains("You have no request #999999", await bot.CommandAsync("U0ALICE", "extend 999999 1h"), StringComparison.Ordinal);
        Assert.Contains("Write it as: jit extend", await bot.CommandAsync("U0ALICE", $"extend {request.Id}"), StringComparison.Ordinal);

        var pending = await bot.RequestAccessAsync("U0CAROL");
        Assert.Contains("is not active", await bot.CommandAsync("U0CAROL", $"extend {pending} 1h"), StringComparison.Ordinal);

        await bot.CommandAsync("U0ALICE", $"revoke {request.Id}");
        Assert.Contains("is not active", await bot.CommandAsync("U0ALICE", $"extend {request.Id} 1h"), StringComparison.Ordinal);

        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.extensions"));
        Assert.Equal(request.EndsAt, (await bot.RequestAsync(request.Id)).EndsAt);
    }

    [Fact]
    public async Task ARoleWithoutExtend_IsRefused()
    {
        await using var bot = await BotHost.StartAsync();
        var request = await ActiveRequestAsync(bot);
        Assert.Contains("cannot be extended", await bot.CommandAsync("U0ALICE", $"extend {request.Id} 1h"), StringComparison.Ordinal);
        Assert.Contains("cannot be extended", await bot.TeamsCommandAsync(TeamsIds.Alice, $"jit extend {request.Id} 1h"), StringComparison.Ordinal);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.extensions"));
    }

    [Fact]
    public async Task AnExtensionWaitingWhenTheAccessExpires_Lapses_ItsCardsLoseTheirButtons_AndALateApprovalChangesNothing()
    {
        await using var bot = await BotHost.StartAsync(Extend(requiresApproval: true));
        var request = await ActiveRequestAsync(bot);
        var extensionId = ExtensionSteps.ExtensionId(await bot.TeamsCommandAsync(TeamsIds.Alice, $"jit extend {request.Id} 1h"));
        await Wait.UntilAsync(() => bot.Teams.CallsTo("send").Any(c => c.ConversationId == BotHost.TeamsApprovalChannel && c.Json.Contains(CardAction.ApproveExtensionId, StringComparison.Ordinal)), "the extension's Teams card");
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postMessage").Any(c => c.Body["channel"]?.GetValue<string>() == BotHost.ApprovalChannel && c.Json.Contains(CardAction.ApproveExtensionId, StringComparison.Ordinal)), "the extension's Slack card");

        bot.Time.SetUtcNow(request.EndsAt!.Value);
        await bot.WaitForStatusAsync(request.Id, RequestStatus.Expired);
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.extensions WHERE id = {extensionId} AND status = 'lapsed' AND decided_by = 'policy' AND awaiting_step_up = '{{}}'"));
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.update").Any(c => c.Json.Contains($"Extension #{extensionId} of request", StringComparison.Ordinal)
            && c.Json.Contains("lapsed: the access expired before it was decided", StringComparison.Ordinal) && !c.Json.Contains(CardAction.ApproveExtensionId, StringComparison.Ordinal)), "the Slack card closed in place");
        await Wait.UntilAsync(() => bot.Teams.CallsTo("update").Any(c => c.Json.Contains($"Extension #{extensionId} of request", StringComparison.Ordinal)
            && c.Json.Contains("lapsed", StringComparison.Ordinal) && !c.Json.Contains(CardAction.ApproveExtensionId, StringComparison.Ordinal)), "the Teams card closed in place");

        var answer = await bot.PostTeamsAsync(bot.TeamsCardAction(TeamsIds.Bob, extensionId, CardAction.ApproveExtensionId));
        var text = await answer.Content.ReadAsStringAsync();
        Assert.Contains("came too late", text, StringComparison.Ordinal);
        Assert.Contains("lapsed", text, StringComparison.Ordinal);
        Assert.Equal(RequestStatus.Expired, (await bot.RequestAsync(request.Id)).Status);
        Assert.Equal(request.EndsAt, (await bot.RequestAsync(request.Id)).EndsAt);
        Assert.False(await bot.HasRoleAsync(bot.LoginOf("alice")));

        // A click on Slack finds it lapsed too.
        await ExtensionSteps.ClickExtensionAsync(bot, "U0DAVE", extensionId, approve: true);
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postEphemeral").Any(c => c.Body["user"]?.GetValue<string>() == "U0DAVE" && c.Text.Contains($"Extension #{extensionId} came too late", StringComparison.Ordinal)), "dave told");
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.extensions WHERE id = {extensionId} AND status = 'lapsed'"));
        await bot.AuditSealedAsync();
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {request.Id} AND event = 'extension.lapsed' AND actor = 'policy' AND details->>'extension' = '{extensionId}' AND details->>'why' = 'the access expired before it was decided'"));
        Assert.Equal(0, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {request.Id} AND event IN ('access.extended', 'extension.refused')"));
    }

    [Fact]
    public async Task AnExtensionWaitingWhenTheAccessIsRevoked_Lapses_AndALateClickOnSlackChangesNothing()
    {
        await using var bot = await BotHost.StartAsync(Extend(requiresApproval: true));
        var request = await ActiveRequestAsync(bot);
        var extensionId = ExtensionSteps.ExtensionId(await bot.CommandAsync("U0ALICE", $"extend {request.Id} 1h"));
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postMessage").Any(c => c.Body["channel"]?.GetValue<string>() == BotHost.ApprovalChannel && c.Json.Contains(CardAction.ApproveExtensionId, StringComparison.Ordinal)), "the extension's Slack card");

        await bot.CommandAsync("U0ALICE", $"revoke {request.Id}");
        Assert.Equal(RequestStatus.Revoked, (await bot.RequestAsync(request.Id)).Status);
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.extensions WHERE id = {extensionId} AND status = 'lapsed'"));
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.update").Any(c => c.Json.Contains($"Extension #{extensionId} of request", StringComparison.Ordinal)
            && c.Json.Contains("lapsed: the access was revoked before it was decided", StringComparison.Ordinal) && !c.Json.Contains(CardAction.ApproveExtensionId, StringComparison.Ordinal)), "the Slack card closed in place");

        await ExtensionSteps.ClickExtensionAsync(bot, "U0BOB", extensionId, approve: true);
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postEphemeral").Any(c => c.Body["user"]?.GetValue<string>() == "U0BOB" && c.Text.Contains($"Extension #{extensionId} came too late", StringComparison.Ordinal)), "bob told");
        Assert.False(await bot.HasRoleAsync(bot.LoginOf("alice")));
        Assert.Equal(RequestStatus.Revoked, (await bot.RequestAsync(request.Id)).Status);
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.extensions WHERE id = {extensionId} AND status = 'lapsed'"));
        await bot.AuditSealedAsync();
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {request.Id} AND event = 'extension.lapsed' AND details->>'why' = 'the access was revoked before it was decided'"));
        Assert.Equal(0, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {request.Id} AND event = 'access.extended'"));
    }
}
