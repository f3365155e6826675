using System.Net;
using System.Text.Json.Nodes;
using ChatOpsApprover.Audit;
using ChatOpsApprover.Chat.Teams;
using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Chat;

/// <summary>
/// A captured, validly signed request sent again within its window is refused on every instance sharing the database,
/// and changes nothing: Slack commands and clicks by their signature, Teams card actions by their activity id.
/// </summary>
public sealed class ReplayTests
{
    [Fact]
    public async Task ReplayedSlackCommand_IsRefused_OnThisAndAnotherInstance_AndCreatesNothing()
    {
        await using var first = await BotHost.StartAsync();
        await using var second = await BotHost.StartAsync(shareDatabaseWith: first);
        var body = BotHost.CommandBody("U0ALICE", "request prod-db-read 1h fix INC-1");
        var timestamp = first.Time.GetUtcNow().ToUnixTimeSeconds();

        using var original = await first.PostSignedAsync("/slack/commands", body, timestamp: timestamp);
        Assert.Equal(HttpStatusCode.OK, original.StatusCode);
        Assert.Equal(1, await first.ScalarAsync("SELECT count(*) FROM jit.access_requests"));

        foreach (var bot in new[] { second, first, second })
        {
            using var replay = await bot.PostSignedAsync("/slack/commands", body, timestamp: timestamp);
            Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
            Assert.Contains("already received", await replay.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(1, await first.ScalarAsync("SELECT count(*) FROM jit.access_requests"));
        Assert.Equal(1, await first.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE event = '{AuditEvents.RequestCreated}'"));

        // Logged once per instance that saw it (never the signature), counted in one audit entry per instance's minute.
        Assert.Single(first.Logs.Lines, l => l.Contains("replayed Slack request", StringComparison.Ordinal));
        Assert.Single(second.Logs.Lines, l => l.Contains("replayed Slack request", StringComparison.Ordinal));
        Assert.DoesNotContain("v0=", first.Logs.All + second.Logs.All, StringComparison.Ordinal);
        first.Time.Advance(SignatureFailureMonitor.Window);
        await first.Service<SignatureFailureMonitor>().WhenWrittenAsync();
        await second.Service<SignatureFailureMonitor>().WhenWrittenAsync();
        Assert.Equal(1, await first.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE event = '{AuditEvents.SecurityReplaysRefused}' AND platform = 'slack' AND details->>'count' = '2' AND details->>'endpoints' = '/slack/commands ×2'"));
        Assert.Equal(1, await first.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE event = '{AuditEvents.SecurityReplaysRefused}' AND details->>'count' = '1'"));
    }

    [Fact]
    public async Task ConcurrentDistinctRequests_AllPass_AndConcurrentReplaysOfOne_RunItOnce()
    {
        await using var first = await BotHost.StartAsync();
        await using var second = await BotHost.StartAsync(shareDatabaseWith: first);
        var timestamp = first.Time.GetUtcNow().ToUnixTimeSeconds();
        var request = BotHost.CommandBody("U0ALICE", "request prod-db-read 1h fix INC-1");

        // Sent together to both instances, so their claims share round trips: each distinct request is its own claim,
        // and of the twenty copies of one request exactly one is claimed.
        var distinct = Enumerable.Range(0, 60)
            .Select(i => (i % 2 == 0 ? first : second).PostSignedAsync("/slack/commands", BotHost.CommandBody("U0ALICE", "roles"), timestamp: timestamp))
            .ToList();
        var copies = Enumerable.Range(0, 20)
            .Select(i => (i % 2 == 0 ? first : second).PostSignedAsync("/slack/commands", request, timestamp: timestamp))
            .ToList();
        var distinctAnswers = await Task.WhenAll(distinct);
        var copyAnswers = await Task.WhenAll(copies);

        Assert.All(distinctAnswers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Single(copyAnswers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.Equal(19, copyAnswers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(1, await first.ScalarAsync("SELECT count(*) FROM jit.access_requests"));
        Assert.Equal(1, await first.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE event = '{AuditEvents.RequestCreated}'"));
        Assert.Equal(61, await first.ScalarAsync("SELECT count(*) FROM jit.slack_request_signatures"));
        foreach (var answer in distinctAnswers.Concat(copyAnswers))
        {
            answer.Dispose();
        }
    }

    [Fact]
    public async Task ReplayedEnroll_OnAnotherInstance_MintsNoLink()
    {
        await using var first = await BotHost.StartAsync();
        await using var second = await BotHost.StartAsync(shareDatabaseWith: first);
        var body = BotHost.CommandBody("U0ALICE", "enroll");
        var timestamp = first.Time.GetUtcNow().ToUnixTimeSeconds();

        using var original = await first.PostSignedAsync("/slack/commands", body, timestamp: timestamp);
        Assert.Contains("/enroll/", await original.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var links = await first.ScalarAsync("SELECT count(*) FROM jit.stepup_links");

        using var replay = await second.PostSignedAsync("/slack/commands", body, timestamp: timestamp);
        Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
        Assert.DoesNotContain("/enroll/", await replay.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(links, await first.ScalarAsync("SELECT count(*) FROM jit.stepup_links"));
    }

    [Fact]
    public async Task ReplayedSlackClick_IsRefused_OnAnotherInstance_AndTellsNobodyAnything()
    {
        await using var first = await BotHost.StartAsync();
        await using var second = await BotHost.StartAsync(shareDatabaseWith: first);
        var id = await first.RequestAccessAsync();
        // Approve decides at the click (Deny opens a modal first).
        var body = BotHost.ClickBody("U0BOB", id, approve: true);
        var timestamp = first.Time.GetUtcNow().ToUnixTimeSeconds();

        using var original = await first.PostSignedAsync("/slack/interactions", body, timestamp: timestamp);
        Assert.Equal(HttpStatusCode.OK, original.StatusCode);
        // Nothing waits for a second factor here: the approval goes on to the grant; count once all of it is recorded.
        await first.WaitForStatusAsync(id, RequestStatus.Active);
        await Wait.UntilAsync(() => Task.FromResult(EphemeralsTo(first, "U0BOB") == 1 ? (object?)true : null), "bob told what his click did");
        await first.AuditSealedAsync();
        var decisions = await first.ScalarAsync("SELECT count(*) FROM jit.decisions");
        var audit = await first.ScalarAsync("SELECT count(*) FROM jit.audit_log");

        using var replay = await second.PostSignedAsync("/slack/interactions", body, timestamp: timestamp);
        Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
        Assert.Equal(decisions, await first.ScalarAsync("SELECT count(*) FROM jit.decisions"));
        Assert.Equal(audit, await first.ScalarAsync("SELECT count(*) FROM jit.audit_log"));

        // A fresh click by someone else is still handled (and told); the replay told bob nothing more.
        using var fresh = await second.ClickAsync("U0DAVE", id, approve: true);
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        await Wait.UntilAsync(() => Task.FromResult(EphemeralsTo(first, "U0DAVE") == 1 ? (object?)true : null), "dave told his click came too late");
        Assert.Equal(1, EphemeralsTo(first, "U0BOB"));
    }

    private static int EphemeralsTo(BotHost bot, string userId) =>
        bot.Slack.CallsTo("chat.postEphemeral").Count(c => c.Body["user"]?.GetValue<string>() == userId);

    [Fact]
    public async Task SignaturesAreForgotten_OnceTheyCanNoLongerPassTheTimestampCheck()
    {
        await using var bot = await BotHost.StartAsync();
        await bot.CommandAsync("U0ALICE", "roles");
        Assert.Equal(1, await bot.ScalarAsync("SELECT count(*) FROM jit.slack_request_signatures"));

        bot.Time.Advance(TimeSpan.FromMinutes(6));
        await bot.CommandAsync("U0ALICE", "roles");
        Assert.Equal(1, await bot.ScalarAsync("SELECT count(*) FROM jit.slack_request_signatures"));
    }

    [Theory]
    [InlineData("help")]
    [InlineData("frobnicate now")]
    [InlineData("list everything")]
    public async Task ReplayedHelpOrUsage_IsRefusedOnThisInstance_WithoutADatabaseClaim(string text)
    {
        await using var first = await BotHost.StartAsync();
        await using var second = await BotHost.StartAsync(shareDatabaseWith: first);
        var body = BotHost.CommandBody("U0ALICE", text);
        var timestamp = first.Time.GetUtcNow().ToUnixTimeSeconds();

        using var original = await first.PostSignedAsync("/slack/commands", body, timestamp: timestamp);
        Assert.Equal(HttpStatusCode.OK, original.StatusCode);
        var answer = await original.Content.ReadAsStringAsync();
        Assert.Contains("jit help", answer, StringComparison.Ordinal);
        Assert.Equal(0, await first.ScalarAsync("SELECT count(*) FROM jit.slack_request_signatures"));

        using var replay = await first.PostSignedAsync("/slack/commands", body, timestamp: timestamp);
        Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
        Assert.Contains("already received", await replay.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(first.Logs.Lines, l => l.Contains("replayed Slack request", StringComparison.Ordinal));

        // Claimed on this instance only (README, "Replayed requests"): another one answers the same public text, and
        // nothing anywhere changed.
        using var elsewhere = await second.PostSignedAsync("/slack/commands", body, timestamp: timestamp);
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
        Assert.Equal(answer, await elsewhere.Content.ReadAsStringAsync());
        Assert.Equal(0, await first.ScalarAsync("SELECT count(*) FROM jit.access_requests"));
        Assert.Equal(0, await first.ScalarAsync("SELECT count(*) FROM jit.slack_request_signatures"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("request")]
    [InlineData("roles")]
    [InlineData("list")]
    public async Task EverythingElse_IsStillClaimedAcrossInstances(string text)
    {
        // "/jit" and "/jit request" alone may open the request form; roles and list read the sender's own data.
        await using var first = await BotHost.StartAsync();
        await using var second = await BotHost.StartAsync(shareDatabaseWith: first);
        var body = BotHost.CommandBody("U0ALICE", text);
        var timestamp = first.Time.GetUtcNow().ToUnixTimeSeconds();

        using var original = await first.PostSignedAsync("/slack/commands", body, timestamp: timestamp);
        Assert.Equal(HttpStatusCode.OK, original.StatusCode);
        Assert.Equal(1, await first.ScalarAsync("SELECT count(*) FROM jit.slack_request_signatures"));

        using var replay = await second.PostSignedAsync("/slack/commands", body, timestamp: timestamp);
        Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
    }

    [Fact]
    public async Task ReplayedTeamsCardAction_IsRefused_OnAnotherInstance_AndDecidesNothing()
    {
        await using var first = await BotHost.StartAsync();
        await using var second = await BotHost.StartAsync(shareDatabaseWith: first);
        var id = await first.TeamsRequestAccessAsync();
        var click = first.TeamsCardAction(TeamsIds.Bob, id, TeamsApprovalCard.DenyVerb, new JsonObject { [TeamsApprovalCard.ReasonInput] = "not needed now" });

        using var original = await first.PostTeamsAsync(click);
        Assert.Equal(HttpStatusCode.OK, original.StatusCode);
        await first.WaitForStatusAsync(id, RequestStatus.Denied);
        var decisions = await first.ScalarAsync("SELECT count(*) FROM jit.decisions");
        var audit = await first.ScalarAsync("SELECT count(*) FROM jit.audit_log");

        foreach (var bot in new[] { second, first })
        {
            using var replay = await bot.PostTeamsAsync(click);
            Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
            var answer = JsonNode.Parse(await replay.Content.ReadAsStringAsync())!;
            Assert.Equal("application/vnd.microsoft.activity.message", answer["type"]!.GetValue<string>());
            Assert.Contains("already received", answer["value"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.Equal(decisions, await first.ScalarAsync("SELECT count(*) FROM jit.decisions"));
        Assert.Equal(audit, await first.ScalarAsync("SELECT count(*) FROM jit.audit_log"));
    }
}
