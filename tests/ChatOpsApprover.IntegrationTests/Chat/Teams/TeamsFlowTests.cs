using System.Net;
using System.Text.Json.Nodes;
using ChatOpsApprover.Chat;
using ChatOpsApprover.Chat.Slack;
using ChatOpsApprover.Chat.Teams;
using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ChatOpsApprover.IntegrationTests.Chat.Teams;

/// <summary>The same product in Teams: commands as messages to the bot, Adaptive Card approvals, proactive 1:1 messages.</summary>
public sealed class TeamsFlowTests
{
    [Fact]
    public async Task Request_Approve_Grant_Revoke_OnTeams()
    {
        await using var bot = await BotHost.StartAsync();
        var login = bot.LoginOf("alice");

        // alice asks in her 1:1 chat with the bot; the reply goes back into that chat.
        var reply = await bot.TeamsCommandAsync(TeamsIds.Alice, "jit request prod-db-read 2h fix INC-1234");
        Assert.Contains("was sent to its approvers", reply, StringComparison.Ordinal);
        var id = long.Parse(System.Text.RegularExpressions.Regex.Match(reply, @"#(\d+)").Groups[1].Value);
        Assert.Equal(TeamsChat.Key, (await bot.RequestAsync(id)).Platform);

        // The Adaptive Card lands in the role's Teams channel, with Approve and Deny as Action.Execute.
        var posted = await Wait.UntilAsync(() => Task.FromResult(bot.Teams.CallsTo("send").FirstOrDefault(c => c.ConversationId == BotHost.TeamsApprovalChannel)), "the Teams approval card");
        var card = posted.Card!;
        Assert.Equal(TeamsApprovalCard.ContentType, posted.Body["attachments"]![0]!["contentType"]!.GetValue<string>());
        Assert.Equal("1.5", card["version"]!.GetValue<string>());
        Assert.Contains("fix INC-1234", posted.Json, StringComparison.Ordinal);
        var actions = card["actions"]!.AsArray();
        Assert.Equal(new[] { "Action.Execute", "Action.Execute" }, actions.Select(a => a!["type"]!.GetValue<string>()));
        Assert.Equal(new[] { TeamsApprovalCard.ApproveVerb, TeamsApprovalCard.DenyVerb }, actions.Select(a => a!["verb"]!.GetValue<string>()));
        Assert.All(actions, a => Assert.Equal(id, a!["data"]!["requestId"]!.GetValue<long>()));
        Assert.StartsWith("Bearer connector-token-", posted.Authorization, StringComparison.Ordinal);
        Assert.False(await bot.HasRoleAsync(login));

        // bob approves from the channel: the invoke is answered with the updated card, for him.
        var response = await bot.TeamsClickAsync(TeamsIds.Bob, id, approve: true);
        Assert.Equal(200, response["statusCode"]!.GetValue<int>());
        Assert.Equal(TeamsApprovalCard.ContentType, response["type"]!.GetValue<string>());
        var answered = response["value"]!.ToJsonString();
        Assert.Contains($"You approved #{id}.", answered, StringComparison.Ordinal);
        Assert.Null(response["value"]!["actions"]);

        var active = await bot.WaitForStatusAsync(id, RequestStatus.Active);
        Assert.True(await bot.HasRoleAsync(login), "the role is really granted at the target");
        Assert.Equal(active.GrantedAt + TimeSpan.FromHours(2), active.EndsAt);
        Assert.Equal("bob", active.Decisions.Single().ApproverId);
        Assert.Equal(TeamsChat.Key, active.Decisions.Single().Platform);

        // Everyone's copy of the card is replaced in place; alice hears in her 1:1 chat.
        await Wait.UntilAsync(() => bot.Teams.CallsTo("update").Any(c => c.ActivityId == posted.ActivityId && c.ConversationId == BotHost.TeamsApprovalChannel && c.Json.Contains("active until", StringComparison.Ordinal)), "the card to show the active state");
        var update = bot.Teams.CallsTo("update").Last(c => c.ActivityId == posted.ActivityId);
        Assert.Contains("Approved by bob", update.Json, StringComparison.Ordinal);
        Assert.Null(update.Card!["actions"]);
        await Wait.UntilAsync(() => bot.Teams.CallsTo("send").Any(c => c.ConversationId == TeamsIds.PersonalConversation(TeamsIds.Alice) && c.Text.Contains("is active until", StringComparison.Ordinal)), "the 'access started' message");
        Assert.DoesNotContain(bot.Slack.CallsTo("chat.postMessage"), c => c.Body["channel"]?.GetValue<string>() == "DU0ALICE");

        // alice ends it early from Teams: the role is gone at the target at once.
        Assert.Contains("was revoked", await bot.TeamsCommandAsync(TeamsIds.Alice, "jit revoke " + id), StringComparison.Ordinal);
        Assert.False(await bot.HasRoleAsync(login), "the role is really revoked at the target");
        var revoked = await bot.RequestAsync(id);
        Assert.Equal(RequestStatus.Revoked, revoked.Status);
        Assert.Equal("alice", revoked.EndedBy);
        await Wait.UntilAsync(() => bot.Teams.CallsTo("update").Any(c => c.ActivityId == posted.ActivityId && c.Json.Contains("revoked by alice", StringComparison.Ordinal)), "the card to show the revocation");
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'access.revoked' AND platform = 'teams'"));

        // One client-credential token served every call.
        Assert.Single(bot.Teams.TokenRequests);
        Assert.All(bot.Teams.Calls, c => Assert.Equal(posted.Authorization, c.Authorization));
    }

    [Fact]
    public async Task Commands_GiveTheSameAnswersAsOnSlack_InPersonalChatAndWithAnAtMentionInAChannel()
    {
        await using var bot = await BotHost.StartAsync();
        string[] inputs =
        [
            "help", "roles", "list", "request", "request prod-db-read", "request prod-db-read 2h",
            "request prod-db-read 2 days because", "request prod-db-read 5h because", "request root 1h because",
            "revoke banana", "revoke 999", "sudo",
        ];
        foreach (var input in inputs)
        {
            var slack = WebUtility.HtmlDecode(await bot.CommandAsync("U0ALICE", input));
            if (input != "request")
            {
                // "jit request" alone in the 1:1 chat answers with the request form instead (TeamsRequestFormTests).
                Assert.Equal(slack, await bot.TeamsCommandAsync(TeamsIds.Alice, "jit " + input));
            }

            Assert.Equal(slack, await bot.TeamsCommandAsync(TeamsIds.Alice, "jit " + input, inChannel: true));
        }

        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.access_requests"));

        // The command menu inserts the words without "jit"; the mention markup may sit anywhere around them.
        Assert.Contains("Roles you may request", await bot.TeamsCommandAsync(TeamsIds.Alice, "roles"), StringComparison.Ordinal);
        var channelReply = bot.TeamsMessage(TeamsIds.Alice, "jit&nbsp;list", inChannel: true);
        using (var response = await bot.PostTeamsAsync(channelReply))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var threadReply = bot.Teams.CallsTo("reply").Single(c => c.ActivityId == channelReply["id"]!.GetValue<string>());
        Assert.Equal($"{BotHost.TeamsRequestsChannel};messageid=1700000000001", threadReply.ConversationId);
        Assert.Equal("plain", threadReply.Body["textFormat"]!.GetValue<string>());

        // Like Slack's ephemeral replies, the answer itself goes to the asker alone, in their 1:1 chat.
        Assert.Equal("I have answered you in our 1:1 chat.", threadReply.Text);
        Assert.Contains(bot.Teams.CallsTo("send"), c => c.ConversationId == TeamsIds.PersonalConversation(TeamsIds.Alice) && c.Text.Contains("no pending or active", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OnePerson_OneHistory_WhicheverAppTheyUse()
    {
        await using var bot = await BotHost.StartAsync();
        var fromSlack = await bot.RequestAccessAsync("U0ALICE", "request prod-db-read 1h from slack");
        var fromTeams = await bot.TeamsRequestAccessAsync(TeamsIds.Alice, "jit request prod-db-read 2h from teams");
        var onTeams = await bot.TeamsCommandAsync(TeamsIds.Alice, "jit list");
        var onSlack = WebUtility.HtmlDecode(await bot.CommandAsync("U0ALICE", "list"));
        Assert.Equal(onSlack, onTeams);
        Assert.Contains($"#{fromSlack} ", onTeams, StringComparison.Ordinal);
        Assert.Contains($"#{fromTeams} ", onTeams, StringComparison.Ordinal);

        // Approved on Slack, the Teams card of the same request follows.
        await bot.ClickApproveAsync("U0BOB", fromTeams);
        await bot.WaitForStatusAsync(fromTeams, RequestStatus.Active);
        var card = await Wait.UntilAsync(() => Task.FromResult(bot.Teams.CallsTo("send").FirstOrDefault(c => c.ConversationId == BotHost.TeamsApprovalChannel && c.Json.Contains($"#{fromTeams}:", StringComparison.Ordinal))), "the Teams card");
        await Wait.UntilAsync(() => bot.Teams.CallsTo("update").Any(c => c.ActivityId == card.ActivityId && c.Json.Contains("active until", StringComparison.Ordinal)), "the Teams card to follow the Slack approval");
    }

    [Fact]
    public async Task Deny_FromTeams_EndsTheRequest_AndTellsTheRequesterInANewOneToOneChat()
    {
        await using var bot = await BotHost.StartAsync();

        // carol asks in a channel, so the bot does not know her 1:1 chat yet.
        var reply = await bot.TeamsCommandAsync(TeamsIds.Carol, "jit request prod-db-read 1h look at a slow query", inChannel: true);
        var id = long.Parse(System.Text.RegularExpressions.Regex.Match(reply, @"#(\d+)").Groups[1].Value);
        var response = await bot.TeamsClickAsync(TeamsIds.Dave, id, approve: false);
        Assert.Contains($"You denied #{id}.", response["value"]!.ToJsonString(), StringComparison.Ordinal);
        await bot.WaitForStatusAsync(id, RequestStatus.Denied);

        // The bot creates the 1:1 conversation through the connector, for her 29: id, in her tenant.
        var created = await Wait.UntilAsync(() => Task.FromResult(bot.Teams.CallsTo("create").FirstOrDefault()), "the 1:1 conversation");
        Assert.Equal(TeamsIds.TeamsUserId(TeamsIds.Carol), created.Body["members"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(FakeTeamsServer.TenantId, created.Body["tenantId"]!.GetValue<string>());
        Assert.Equal(FakeTeamsServer.TenantId, created.Body["channelData"]!["tenant"]!["id"]!.GetValue<string>());
        Assert.Equal($"28:{FakeTeamsServer.AppId}", created.Body["bot"]!["id"]!.GetValue<string>());
        Assert.False(created.Body["isGroup"]!.GetValue<bool>());
        await Wait.UntilAsync(() => bot.Teams.CallsTo("send").Any(c => c.ConversationId == $"a:dm-{TeamsIds.TeamsUserId(TeamsIds.Carol)}" && c.Text.Contains("denied by dave", StringComparison.Ordinal)), "the denial message");
        Assert.False(await bot.HasRoleAsync(bot.LoginOf("carol")));
    }

    [Fact]
    public async Task DirectMessage_ToSomeoneWhoNeverWroteToTheBot_UsesTheirEntraIdAndTheConfiguredTenant()
    {
        await using var bot = await BotHost.StartAsync();
        var teams = bot.App.Services.GetServices<IChatPlatform>().OfType<TeamsPlatform>().Single();
        var erin = bot.Service<AccessDirectory>().FindPerson("erin")!;
        Assert.True(await teams.SendDirectMessageAsync(erin, "hello <b>erin</b>", CancellationToken.None));
        Assert.True(await teams.SendDirectMessageAsync(erin, "second", CancellationToken.None));

        var created = Assert.Single(bot.Teams.CallsTo("create"));
        Assert.Equal(TeamsIds.Erin, created.Body["members"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(FakeTeamsServer.TenantId, created.Body["tenantId"]!.GetValue<string>());
        var sent = bot.Teams.CallsTo("send").Where(c => c.ConversationId == $"a:dm-{TeamsIds.Erin}").ToList();
        Assert.Equal(new[] { "hello <b>erin</b>", "second" }, sent.Select(c => c.Text));
        Assert.All(sent, c => Assert.Equal("plain", c.Body["textFormat"]!.GetValue<string>()));

        var noTeams = new Person("zed", new Dictionary<ChatPlatform, string> { [SlackChat.Key] = "U0ZED" }, new Dictionary<string, string>(), false);
        Assert.False(await teams.SendDirectMessageAsync(noTeams, "unreachable", CancellationToken.None));
    }

    [Fact]
    public async Task CardClicks_ByTheRequester_ANonApprover_OrAStranger_AreRefused_WithTheReasonOnTheCard()
    {
        await using var bot = await BotHost.StartAsync(s => s["Roles:prod-db-read:Approvers:2"] = "alice");
        var id = await bot.TeamsRequestAccessAsync();
        Assert.Contains("cannot decide your own", (await bot.TeamsClickAsync(TeamsIds.Alice, id, approve: true))["value"]!.ToJsonString(), StringComparison.Ordinal);
        // Carol is neither the requester, an approver nor an admin: she hears why, and sees nothing of the request.
        var carol = await bot.TeamsClickAsync(TeamsIds.Carol, id, approve: true);
        Assert.Equal("application/vnd.microsoft.activity.message", carol["type"]!.GetValue<string>());
        Assert.Contains("not an approver", carol["value"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("INC-1234", carol.ToJsonString(), StringComparison.Ordinal);

        // A stranger learns nothing about the request, not even its card.
        var stranger = await bot.TeamsClickAsync(TeamsIds.Stranger, id, approve: true);
        Assert.Equal("application/vnd.microsoft.activity.message", stranger["type"]!.GetValue<string>());
        Assert.Contains("not registered", stranger["value"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("INC-1234", stranger.ToJsonString(), StringComparison.Ordinal);

        // The refusals leave the buttons in place for the real approvers.
        using var refresh = await bot.PostTeamsAsync(bot.TeamsCardAction(TeamsIds.Bob, id, "refresh"));
        var stillPending = (JsonObject)JsonNode.Parse(await refresh.Content.ReadAsStringAsync())!;
        Assert.NotNull(stillPending["value"]!["actions"]);
        Assert.Equal(RequestStatus.Pending, (await bot.RequestAsync(id)).Status);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.decisions"));

        var late = await bot.TeamsClickAsync(TeamsIds.Bob, 999, approve: true);
        Assert.Equal("application/vnd.microsoft.activity.message", late["type"]!.GetValue<string>());
        Assert.Contains("There is no request #999", late["value"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RacingClicksFromTeamsAndSlack_YieldExactlyOneDecision()
    {
        await using var bot = await BotHost.StartAsync();
        var id = await bot.TeamsRequestAccessAsync();
        var clicks = Enumerable.Range(0, 10).Select(async i =>
        {
            if (i % 2 == 0)
            {
                await bot.TeamsClickAsync(i % 4 == 0 ? TeamsIds.Bob : TeamsIds.Dave, id, approve: true);
            }
            else
            {
                using var response = await bot.ClickAsync(i % 3 == 0 ? "U0BOB" : "U0DAVE", id, approve: true);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        });
        await Task.WhenAll(clicks);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        Assert.Equal(1, await bot.ScalarAsync("SELECT count(*) FROM jit.decisions"));
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'grant.succeeded'"));
    }

    [Fact]
    public async Task RetriedActivity_IsHandledOnce()
    {
        await using var bot = await BotHost.StartAsync();
        var activity = bot.TeamsMessage(TeamsIds.Alice, "jit request prod-db-read 1h incident");
        for (var i = 0; i < 3; i++)
        {
            using var response = await bot.PostTeamsAsync(activity);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(1, await bot.ScalarAsync("SELECT count(*) FROM jit.access_requests"));
        Assert.Single(bot.Teams.CallsTo("reply"));
    }

    [Fact]
    public async Task ConnectorThrottlingAndOutages_AreRetried_AndTheCardStillArrives()
    {
        await using var bot = await BotHost.StartAsync();
        bot.Teams.FailNext("token", 503);
        bot.Teams.FailNext("send", 429, times: 2);
        await bot.TeamsRequestAccessAsync();
        await Wait.UntilAsync(() => bot.Teams.CallsTo("send").Any(c => c.ConversationId == BotHost.TeamsApprovalChannel), "the card after a 503 and two 429s");
        Assert.Equal(2, bot.Teams.CallsTo("send#failed").Count());

        // The client retried within the call: the card job never failed.
        Assert.DoesNotContain(bot.Logs.Lines, line => line.Contains("Chat job", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UserText_OnTheCard_IsPlainText()
    {
        await using var bot = await BotHost.StartAsync();
        await bot.TeamsRequestAccessAsync(text: "jit request prod-db-read 1h see [here](https://evil.example) **now**");
        var posted = await Wait.UntilAsync(() => Task.FromResult(bot.Teams.CallsTo("send").FirstOrDefault(c => c.ConversationId == BotHost.TeamsApprovalChannel)), "the card");
        var texts = Descendants(posted.Card!).Where(n => n["text"] is not null && n["type"]?.GetValue<string>() != "TextRun").ToList();
        Assert.Empty(texts);
        Assert.Contains("see [here](https://evil.example) **now**", posted.Json, StringComparison.Ordinal);
    }

    private static IEnumerable<JsonObject> Descendants(JsonNode node)
    {
        if (node is JsonObject obj)
        {
            yield return obj;
            foreach (var (_, child) in obj)
            {
                if (child is not null)
                {
                    foreach (var d in Descendants(child))
                    {
                        yield return d;
                    }
                }
            }
        }
        else if (node is JsonArray array)
        {
            foreach (var child in array.OfType<JsonNode>())
            {
                foreach (var d in Descendants(child))
                {
                    yield return d;
                }
            }
        }
    }
}
