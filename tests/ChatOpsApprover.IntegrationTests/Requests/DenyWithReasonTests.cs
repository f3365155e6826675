using System.Net;
using System.Text.Json.Nodes;
using ChatOpsApprover.Chat.Teams;
using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Requests;

/// <summary>A denial says why: Slack's modal (views.open, view_submission), Teams' reason input; the reason reaches the requester, the card and the audit trail.</summary>
public sealed class DenyWithReasonTests
{
    [Fact]
    public async Task OnSlack_DenyOpensAModal_AndItsReasonReachesTheRequesterTheCardAndTheAudit()
    {
        await using var bot = await BotHost.StartAsync();
        var id = await bot.RequestAccessAsync();
        using var submitted = await bot.DenyAsync("U0DAVE", id, "  not during the <!here> freeze  ");

        // An empty 200 closes the modal.
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        Assert.Equal(string.Empty, await submitted.Content.ReadAsStringAsync());
        var view = bot.Slack.CallsTo("views.open").Single().Body["view"]!;
        Assert.Equal("jit_deny", view["callback_id"]!.GetValue<string>());
        Assert.Equal("modal", view["type"]!.GetValue<string>());

        var denied = await bot.WaitForStatusAsync(id, RequestStatus.Denied);
        Assert.Equal("not during the <!here> freeze", denied.Denial!.Reason);
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postMessage").Any(c => c.Body["channel"]?.GetValue<string>() == "DU0ALICE" && c.Text.Contains("denied by dave: not during the &lt;!here&gt; freeze", StringComparison.Ordinal)), "the requester told why");
        // The card shows it whether it is updated or, when its first post is still queued, posted already decided.
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.update").Concat(bot.Slack.CallsTo("chat.postMessage")).Any(c => c.Json.Contains("Denied by <@U0DAVE>", StringComparison.Ordinal) && c.Json.Contains("not during the &lt;!here&gt; freeze", StringComparison.Ordinal) && !c.Json.Contains("jit_deny", StringComparison.Ordinal)), "the card showing why, without buttons");
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postEphemeral").Any(c => c.Body["user"]?.GetValue<string>() == "U0DAVE" && c.Text.Contains($"You denied #{id}.", StringComparison.Ordinal)), "dave told");
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'request.denied' AND details->>'reason' = 'not during the <!here> freeze'"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    public async Task OnSlack_AModalWithoutAReason_StaysOpenWithAnError_AndChangesNothing(string? reason)
    {
        await using var bot = await BotHost.StartAsync();
        var id = await bot.RequestAccessAsync();
        using var submitted = await bot.DenyAsync("U0DAVE", id, reason);

        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        var answer = JsonNode.Parse(await submitted.Content.ReadAsStringAsync())!;
        Assert.Equal("errors", answer["response_action"]!.GetValue<string>());
        Assert.Contains("Say why", answer["errors"]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(RequestStatus.Pending, (await bot.RequestAsync(id)).Status);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.decisions"));

        // The same modal, now with a reason, decides.
        var view = bot.Slack.CallsTo("views.open").Single().Body["view"]!.AsObject();
        using (var again = await bot.SubmitViewAsync("U0DAVE", view, "wrong ticket"))
        {
            Assert.Equal(string.Empty, await again.Content.ReadAsStringAsync());
        }

        Assert.Equal("wrong ticket", (await bot.WaitForStatusAsync(id, RequestStatus.Denied)).Denial!.Reason);
    }

    [Fact]
    public async Task OnSlack_DenyBySomeoneWhoCannotDecide_OpensNoModal_AndSaysWhy()
    {
        await using var bot = await BotHost.StartAsync();
        var id = await bot.RequestAccessAsync();
        using (await bot.PostSignedAsync("/slack/interactions", BotHost.ClickBody("U0CAROL", id, approve: false)))
        {
        }

        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postEphemeral").Any(c => c.Body["user"]?.GetValue<string>() == "U0CAROL" && c.Text.Contains("not an approver", StringComparison.Ordinal)), "carol told she is not an approver");
        Assert.Empty(bot.Slack.CallsTo("views.open"));

        // A submission forged for someone who cannot decide changes nothing either.
        using (await bot.SubmitViewAsync("U0CAROL", new JsonObject { ["callback_id"] = "jit_deny", ["private_metadata"] = $$"""{"requestId":{{id}},"channel":"C0APPROVALS"}""" }, "because"))
        {
        }

        Assert.Equal(RequestStatus.Pending, (await bot.RequestAsync(id)).Status);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.decisions"));
    }

    [Fact]
    public async Task OnTeams_DenyWithoutAReason_KeepsTheCard_AndWithOneDenies()
    {
        await using var bot = await BotHost.StartAsync();
        var id = await bot.TeamsRequestAccessAsync();
        var posted = await Wait.UntilAsync(() => Task.FromResult(bot.Teams.CallsTo("send").FirstOrDefault(c => c.ConversationId == BotHost.TeamsApprovalChannel)), "the Teams approval card");
        Assert.Contains(posted.Card!["body"]!.AsArray(), b => b!["type"]!.GetValue<string>() == "Input.Text" && b["id"]!.GetValue<string>() == TeamsApprovalCard.ReasonInput);

        var refused = await bot.TeamsClickAsync(TeamsIds.Dave, id, approve: false, inputs: new JsonObject { [TeamsApprovalCard.ReasonInput] = "" });
        Assert.NotNull(refused["value"]!["actions"]);
        Assert.Contains("Say why you deny", refused["value"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(RequestStatus.Pending, (await bot.RequestAsync(id)).Status);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.decisions"));

        var denied = await bot.TeamsClickAsync(TeamsIds.Dave, id, approve: false, inputs: new JsonObject { [TeamsApprovalCard.ReasonInput] = "use the replica" });
        Assert.Null(denied["value"]!["actions"]);
        Assert.Contains("Denied by dave at", denied["value"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains(": use the replica", denied["value"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("use the replica", (await bot.WaitForStatusAsync(id, RequestStatus.Denied)).Denial!.Reason);
        await Wait.UntilAsync(() => bot.Teams.CallsTo("send").Any(c => c.ConversationId == TeamsIds.PersonalConversation(TeamsIds.Alice) && c.Text.Contains("denied by dave: use the replica", StringComparison.Ordinal)), "alice told why");
    }
}
