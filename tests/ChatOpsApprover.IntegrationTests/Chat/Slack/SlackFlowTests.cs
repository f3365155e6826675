using System.Net;
using System.Text.Json.Nodes;
using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Chat.Slack;

/// <summary>The core flow as Slack drives it: signed slash command → card → click → real GRANT → end of window → real REVOKE.</summary>
public sealed class SlackFlowTests
{
    [Fact]
    public async Task Healthz_AnswersOk_WhenTheDatabaseIsReachable()
    {
        await using var bot = await BotHost.StartAsync();
        using var response = await bot.Http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Request_Approve_Grant_Expire_RevokesTheRoleAtTheTarget()
    {
        await using var bot = await BotHost.StartAsync();
        var login = bot.LoginOf("alice");

        var reply = await bot.CommandAsync("U0ALICE", "request prod-db-read 2h fix INC-1234");
        Assert.Contains("Request #", reply, StringComparison.Ordinal);
        var id = long.Parse(System.Text.RegularExpressions.Regex.Match(reply, @"#(\d+)").Groups[1].Value);

        // The card: posted to the role's channel, with the request's facts and two buttons.
        var card = await Wait.UntilAsync(() => Task.FromResult(bot.Slack.CallsTo("chat.postMessage").FirstOrDefault(c => c.Body["channel"]?.GetValue<string>() == BotHost.ApprovalChannel)), "the approval card");
        var cardJson = card.Json;
        Assert.Contains("fix INC-1234", cardJson, StringComparison.Ordinal);
        Assert.Contains("<@U0ALICE>", cardJson, StringComparison.Ordinal);
        Assert.Contains("jit_approve", cardJson, StringComparison.Ordinal);
        Assert.Contains("jit_deny", cardJson, StringComparison.Ordinal);
        Assert.Equal("Bearer xoxb-test-token", card.Authorization);
        Assert.False(await bot.HasRoleAsync(login));

        await bot.ClickApproveAsync("U0BOB", id);
        var active = await bot.WaitForStatusAsync(id, RequestStatus.Active);
        Assert.True(await bot.HasRoleAsync(login), "the role is really granted at the target");
        Assert.Equal(active.GrantedAt + TimeSpan.FromHours(2), active.EndsAt);

        // The card shows who approved, without buttons; the requester is told by DM.
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.update").Any(c => c.Json.Contains("active until", StringComparison.Ordinal)), "the card to show the active state");
        var update = bot.Slack.CallsTo("chat.update").Last();
        Assert.Equal(card.Body["channel"]!.GetValue<string>(), update.Body["channel"]!.GetValue<string>());
        Assert.DoesNotContain("jit_approve", update.Json, StringComparison.Ordinal);
        Assert.Contains("<@U0BOB>", update.Json, StringComparison.Ordinal);
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postMessage").Any(c => c.Body["channel"]?.GetValue<string>() == "DU0ALICE" && c.Text.Contains("is active until", StringComparison.Ordinal)), "the 'access started' DM");
        Assert.Contains(bot.Slack.CallsTo("conversations.open"), c => c.Body["users"]?.GetValue<string>() == "U0ALICE");

        // Not a moment early: a sweep one second before the end leaves the grant alone…
        bot.Time.Advance(TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await bot.SweepNowAsync());
        Assert.Equal(RequestStatus.Active, (await bot.RequestAsync(id)).Status);
        Assert.True(await bot.HasRoleAsync(login));

        // …and gone at the end of the window (ended by this sweep, or by the scheduler's running at the same moment).
        bot.Time.Advance(TimeSpan.FromSeconds(1));
        await bot.SweepNowAsync();
        await bot.WaitForStatusAsync(id, RequestStatus.Expired);
        Assert.False(await bot.HasRoleAsync(login), "the role is really revoked at the target");
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postMessage").Any(c => c.Body["channel"]?.GetValue<string>() == "DU0ALICE" && c.Text.Contains("has ended", StringComparison.Ordinal)), "the 'access ended' DM");
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'access.expired'"));
    }

    [Fact]
    public async Task Deny_EndsTheRequest_WithoutAGrant_AndTellsTheRequester()
    {
        await using var bot = await BotHost.StartAsync();
        var id = await bot.RequestAccessAsync();
        using var response = await bot.DenyAsync("U0DAVE", id);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await bot.WaitForStatusAsync(id, RequestStatus.Denied);
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postMessage").Any(c => c.Body["channel"]?.GetValue<string>() == "DU0ALICE" && c.Text.Contains("denied by dave", StringComparison.Ordinal)), "the denial DM");
        Assert.False(await bot.HasRoleAsync(bot.LoginOf("alice")));
    }

    [Fact]
    public async Task Approve_ByRequester_IsRefused_EvenWhenTheyAreAnApprover()
    {
        await using var bot = await BotHost.StartAsync(s => s["Roles:prod-db-read:Approvers:2"] = "alice");
        var id = await bot.RequestAccessAsync();
        await bot.ClickApproveAsync("U0ALICE", id);
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postEphemeral").Any(c => c.Body["user"]?.GetValue<string>() == "U0ALICE" && c.Text.Contains("cannot decide your own", StringComparison.Ordinal)), "the refusal");
        Assert.Equal(RequestStatus.Pending, (await bot.RequestAsync(id)).Status);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.decisions"));
    }

    [Fact]
    public async Task Approve_ByNonApprover_IsRefused()
    {
        await using var bot = await BotHost.StartAsync();
        var id = await bot.RequestAccessAsync();
        await bot.ClickApproveAsync("U0CAROL", id);
        await bot.ClickApproveAsync("U0STRANGER", id);
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postEphemeral").Any(c => c.Text.Contains("not an approver", StringComparison.Ordinal)), "the refusal");
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postEphemeral").Any(c => c.Text.Contains("not registered", StringComparison.Ordinal)), "the refusal of an unknown user");
        Assert.Equal(RequestStatus.Pending, (await bot.RequestAsync(id)).Status);
    }

    [Fact]
    public async Task RacingClicks_YieldExactlyOneDecisionAndOneGrant()
    {
        await using var bot = await BotHost.StartAsync();
        var id = await bot.RequestAccessAsync();
        var clicks = Enumerable.Range(0, 20).Select(i => bot.ClickAsync(i % 2 == 0 ? "U0BOB" : "U0DAVE", id, approve: true)).ToArray();
        foreach (var response in await Task.WhenAll(clicks))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postEphemeral").Count() >= 20, "an answer to every click");
        Assert.Equal(1, await bot.ScalarAsync("SELECT count(*) FROM jit.decisions"));
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'request.approved'"));
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'grant.succeeded'"));
        Assert.Equal(19, bot.Slack.CallsTo("chat.postEphemeral").Count(c => c.Text.Contains("already decided", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("request", "Which role?")]
    [InlineData("request prod-db-read", "How long?")]
    [InlineData("request prod-db-read 2h", "A reason is required")]
    [InlineData("request prod-db-read 2 days because", "is not a duration")]
    [InlineData("request prod-db-read 5h because", "at most 4h")]
    [InlineData("request root 1h because", "There is no role \"root\"")]
    [InlineData("revoke banana", "jit revoke &lt;id&gt;")]
    [InlineData("sudo", "is not a jit command")]
    public async Task BadInput_GetsAClearEphemeralReply_AndChangesNothing(string text, string expected)
    {
        await using var bot = await BotHost.StartAsync();
        var reply = await bot.CommandAsync("U0ALICE", text);
        Assert.Contains(expected, reply, StringComparison.Ordinal);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.access_requests"));
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.audit_log"));
    }

    [Fact]
    public async Task UnknownPerson_AndPersonWithoutLogin_AreRefused()
    {
        await using var bot = await BotHost.StartAsync();
        Assert.Contains("not registered", await bot.CommandAsync("U0NOBODY", "request prod-db-read 1h x"), StringComparison.Ordinal);
        Assert.Contains("no login at prod-db", await bot.CommandAsync("U0BOB", "request prod-db-read 1h x"), StringComparison.Ordinal);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.access_requests"));
    }

    [Theory]
    [InlineData("wrong")]
    [InlineData("v0=0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task BadSignature_Is401_AndChangesNothing(string signature)
    {
        await using var bot = await BotHost.StartAsync();
        using var command = await bot.PostSignedAsync("/slack/commands", BotHost.CommandBody("U0ALICE", "request prod-db-read 1h x"), signature);
        Assert.Equal(HttpStatusCode.Unauthorized, command.StatusCode);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.access_requests"));
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public async Task StaleOrFutureTimestamp_Is401(int offsetSeconds)
    {
        await using var bot = await BotHost.StartAsync();
        var id = await bot.RequestAccessAsync();
        using var click = await bot.PostSignedAsync("/slack/interactions", BotHost.ClickBody("U0BOB", id, true), timestamp: bot.Time.GetUtcNow().ToUnixTimeSeconds() + offsetSeconds);
        Assert.Equal(HttpStatusCode.Unauthorized, click.StatusCode);
        Assert.Equal(RequestStatus.Pending, (await bot.RequestAsync(id)).Status);
    }

    [Fact]
    public async Task UnsignedRequests_Are401()
    {
        await using var bot = await BotHost.StartAsync();
        using var response = await bot.Http.PostAsync("/slack/commands", new StringContent(BotHost.CommandBody("U0ALICE", "list"), System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task SslCheck_IsAcknowledged_AndDoesNothing()
    {
        await using var bot = await BotHost.StartAsync();
        using var response = await bot.Http.PostAsync("/slack/commands", new StringContent("ssl_check=1&token=abc", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(bot.Slack.Calls);
    }

    [Fact]
    public async Task OversizedBody_Is413_AndChangesNothing()
    {
        await using var bot = await BotHost.StartAsync();
        using var response = await bot.PostSignedAsync("/slack/commands", BotHost.CommandBody("U0ALICE", "request prod-db-read 2h " + new string('x', 70_000)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.access_requests"));
        Assert.Empty(bot.Slack.Calls);
    }

    [Theory]
    [InlineData("payload=not-json")]
    [InlineData("payload=%7B%22type%22%3A%22view_submission%22%7D")]
    [InlineData("nothing=here")]
    public async Task MalformedInteraction_Is400_WithAMessage(string body)
    {
        await using var bot = await BotHost.StartAsync();
        using var response = await bot.PostSignedAsync("/slack/interactions", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task UserText_CannotInjectMentionsOrLinks()
    {
        await using var bot = await BotHost.StartAsync();
        await bot.RequestAccessAsync(text: "request prod-db-read 1h <!channel> see <https://evil.example|here> <@U0BOB>");
        var card = await Wait.UntilAsync(() => Task.FromResult(bot.Slack.CallsTo("chat.postMessage").FirstOrDefault()), "the card");
        var json = card.Json;
        Assert.DoesNotContain("<!channel>", json, StringComparison.Ordinal);
        Assert.DoesNotContain("<https://evil", json, StringComparison.Ordinal);
        Assert.DoesNotContain("<@U0BOB>", json, StringComparison.Ordinal);
        Assert.Contains("&lt;!channel&gt;", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlackRateLimit_IsHonoured_AndTheCardStillArrives()
    {
        await using var bot = await BotHost.StartAsync();
        bot.Slack.RateLimitNext("chat.postMessage", times: 2, retryAfterSeconds: 1);
        await bot.RequestAccessAsync();
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postMessage").Any(c => c.Body["channel"]?.GetValue<string>() == BotHost.ApprovalChannel), "the card after two 429s");
        Assert.Equal(2, bot.Slack.CallsTo("chat.postMessage#overridden").Count());

        // The client waited out Retry-After itself: the card job never failed.
        Assert.DoesNotContain(bot.Logs.Lines, line => line.Contains("Chat job", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ListAndRoles_ShowWhatThePersonHasAndMayAskFor()
    {
        await using var bot = await BotHost.StartAsync();
        Assert.Contains("no pending or active", await bot.CommandAsync("U0ALICE", "list"), StringComparison.Ordinal);
        var id = await bot.RequestAccessAsync();
        var list = await bot.CommandAsync("U0ALICE", "list");
        Assert.Contains($"#{id} prod-db-read for 2h", list, StringComparison.Ordinal);
        Assert.Contains("waiting for approval", list, StringComparison.Ordinal);
        var roles = await bot.CommandAsync("U0ALICE", "roles");
        Assert.Contains("prod-db-read", roles, StringComparison.Ordinal);
        Assert.Contains("up to 4h", roles, StringComparison.Ordinal);
        Assert.Contains("jit request", await bot.CommandAsync("U0ALICE", "help"), StringComparison.Ordinal);
    }
}

public sealed class StartupTests
{
    [Fact]
    public async Task BadConfiguration_StopsStartUp_WithAMessageNamingTheKey()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => BotHost.StartAsync(s => s["Roles:prod-db-read:Target"] = "nowhere"));
        Assert.Contains("Roles:prod-db-read:Target", error.Message, StringComparison.Ordinal);
    }
}
