using System.Net;
using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Audit;

/// <summary>The audit channel: one message per request, updated in place, a threaded reply per event; standalone security events.</summary>
public sealed class AuditChannelTests
{
    private const string Channel = AuditTestExtensions.AuditChannel;

    private static Task<BotHost> StartAsync(BotHost? shareDatabaseWith = null) =>
        BotHost.StartAsync(s => s["Audit:SlackChannel"] = Channel, shareDatabaseWith);

    private static bool InAuditChannel(SlackCall call) => call.Body["channel"]?.GetValue<string>() == Channel;

    private static string? ThreadOf(SlackCall call) => call.Body["thread_ts"]?.GetValue<string>();

    private static List<SlackCall> Replies(BotHost bot, string ts) =>
        bot.Slack.CallsTo("chat.postMessage").Where(c => InAuditChannel(c) && ThreadOf(c) == ts).ToList();

    [Fact]
    public async Task EachRequest_HasOneAuditMessage_UpdatedInPlace_AndAThreadReplyForEveryEvent()
    {
        await using var bot = await StartAsync();
        var id = await bot.ActiveRequestAsync("request prod-db-read 2h fix <!channel> INC-1234");
        bot.Time.Advance(TimeSpan.FromHours(2));
        await bot.WaitForStatusAsync(id, RequestStatus.Expired);

        var ts = await Wait.UntilAsync(() => bot.ScalarTextOrNullAsync($"SELECT message_id FROM jit.audit_messages WHERE request_id = {id}"), "the request's audit message");
        await Wait.UntilAsync(() => Replies(bot, ts).Count >= 4, "a reply for each of the four events");
        var replies = Replies(bot, ts);
        Assert.Equal(4, replies.Count);
        Assert.StartsWith("*Requested by alice*", replies[0].Text, StringComparison.Ordinal);
        Assert.StartsWith("*Approved by bob*", replies[1].Text, StringComparison.Ordinal);
        Assert.StartsWith("*Access granted by system*", replies[2].Text, StringComparison.Ordinal);
        Assert.StartsWith("*Access expired by system*", replies[3].Text, StringComparison.Ordinal);

        // Each reply anchors its entry's hash outside the database.
        var hashes = await bot.ScalarTextsAsync($"SELECT hash FROM jit.audit_log WHERE request_id = {id} ORDER BY id");
        for (var i = 0; i < 4; i++)
        {
            Assert.Contains($"sha256 {hashes[i]}", replies[i].Text, StringComparison.Ordinal);
        }

        // One message for the request, posted once and then only rewritten, ending in the final state.
        var posts = bot.Slack.CallsTo("chat.postMessage").Where(c => InAuditChannel(c) && ThreadOf(c) is null).ToList();
        Assert.Single(posts);
        Assert.Contains("Waiting for approval", posts[0].Json, StringComparison.Ordinal);
        var updates = bot.Slack.CallsTo("chat.update").Where(c => c.Body["ts"]?.GetValue<string>() == ts).ToList();
        Assert.NotEmpty(updates);
        Assert.All(updates, u => Assert.Equal(Channel, u.Body["channel"]!.GetValue<string>()));
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.update").LastOrDefault(c => c.Body["ts"]?.GetValue<string>() == ts)?.Json.Contains("Expired", StringComparison.Ordinal) == true, "the audit message to show the end");
        var last = bot.Slack.CallsTo("chat.update").Last(c => c.Body["ts"]?.GetValue<string>() == ts).Json;
        Assert.Contains("Approved by bob", last, StringComparison.Ordinal);
        Assert.Contains("Access granted by system", last, StringComparison.Ordinal);

        // Nobody is pinged, and user text stays text.
        var everything = string.Join('\n', bot.Slack.Calls.Where(InAuditChannel).Select(c => c.Json));
        Assert.DoesNotContain("<@", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("<!channel>", everything, StringComparison.Ordinal);
        Assert.Contains("&lt;!channel&gt;", everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADenial_AndAWithdrawal_AreInTheirRequestsThreads()
    {
        await using var bot = await StartAsync();
        var denied = await bot.RequestAccessAsync();
        using (await bot.DenyAsync("U0DAVE", denied))
        {
        }

        var withdrawn = await bot.RequestAccessAsync();
        Assert.Contains("withdrawn", await bot.CommandAsync("U0ALICE", $"revoke {withdrawn}"), StringComparison.Ordinal);

        var deniedTs = await Wait.UntilAsync(() => bot.ScalarTextOrNullAsync($"SELECT message_id FROM jit.audit_messages WHERE request_id = {denied}"), "the denied request's audit message");
        var withdrawnTs = await Wait.UntilAsync(() => bot.ScalarTextOrNullAsync($"SELECT message_id FROM jit.audit_messages WHERE request_id = {withdrawn}"), "the withdrawn request's audit message");
        await Wait.UntilAsync(() => Replies(bot, deniedTs).Count == 2 && Replies(bot, withdrawnTs).Count == 2, "two replies in each thread");
        Assert.StartsWith("*Denied by dave*", Replies(bot, deniedTs)[1].Text, StringComparison.Ordinal);
        Assert.StartsWith("*Withdrawn by alice*", Replies(bot, withdrawnTs)[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABurstOfBadSignatures_IsOneAuditEntry_PostedStandalone_AFewAreNothing()
    {
        await using var bot = await StartAsync();
        var body = BotHost.CommandBody("U0ALICE", "request prod-db-read 1h x");
        for (var i = 0; i < 4; i++)
        {
            using var response = await bot.PostSignedAsync("/slack/commands", body, signature: "v0=forged");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        bot.Time.Advance(SignatureFailureMonitor.Window);
        await bot.Service<SignatureFailureMonitor>().WhenWrittenAsync();
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.audit_log"));

        for (var i = 0; i < 7; i++)
        {
            using var response = await bot.PostSignedAsync(i % 2 == 0 ? "/slack/commands" : "/slack/interactions", body, signature: "v0=forged");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.audit_log"));
        bot.Time.Advance(SignatureFailureMonitor.Window);
        await Wait.UntilAsync(async () => await bot.ScalarAsync("SELECT count(*) FROM jit.audit_log") == 1, "the burst's audit entry");
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE event = '{AuditEvents.SecuritySignatureFailures}' AND request_id IS NULL AND details->>'count' = '7' AND details->>'endpoints' = '/slack/commands ×4, /slack/interactions ×3'"));

        var message = await Wait.UntilAsync(() => Task.FromResult(bot.Slack.CallsTo("chat.postMessage").FirstOrDefault(InAuditChannel)), "the standalone audit message");
        Assert.Null(ThreadOf(message));
        Assert.Contains("Burst of requests with bad signatures", message.Text, StringComparison.Ordinal);
        Assert.Contains("count: 7", message.Text, StringComparison.Ordinal);
        Assert.Contains("security.signature_failures · entry 1 · sha256 ", message.Text, StringComparison.Ordinal);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.access_requests"));
    }

    [Fact]
    public async Task WhileTheAuditChannelFails_GrantsGoOn_AndAfterwardsEveryEventArrivesOnce()
    {
        await using var bot = await StartAsync();
        bot.Slack.RefuseChannel(Channel);
        var id = await bot.ActiveRequestAsync();
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postMessage#refused").Any(), "the audit channel to be tried");
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.audit_messages"));

        bot.Slack.AcceptChannel(Channel);
        var ts = await Wait.UntilAsync(() => bot.ScalarTextOrNullAsync($"SELECT message_id FROM jit.audit_messages WHERE request_id = {id}"), "the audit message after the outage");
        await Wait.UntilAsync(async () => await bot.ScalarAsync("SELECT last_id FROM jit.audit_publish_cursor WHERE platform = 'slack'") == 3, "the publisher to catch up");
        Assert.Equal(3, Replies(bot, ts).Count);
        Assert.Single(bot.Slack.CallsTo("chat.postMessage"), c => InAuditChannel(c) && ThreadOf(c) is null);
    }

    [Fact]
    public async Task TwoInstances_PublishEachEventExactlyOnce()
    {
        await using var first = await StartAsync();
        await using var second = await StartAsync(shareDatabaseWith: first);
        var id = await first.RequestAccessAsync();
        await second.ClickApproveAsync("U0BOB", id);
        await second.WaitForStatusAsync(id, RequestStatus.Active);
        Assert.Contains("was revoked", await first.CommandAsync("U0ALICE", $"revoke {id}"), StringComparison.Ordinal);

        await Wait.UntilAsync(async () => await first.ScalarAsync("SELECT last_id FROM jit.audit_publish_cursor WHERE platform = 'slack'") == 4, "both publishers to be done");
        var ts = await first.ScalarTextAsync($"SELECT message_id FROM jit.audit_messages WHERE request_id = {id}");
        Assert.Equal(4, Replies(first, ts).Count);
        Assert.Single(first.Slack.CallsTo("chat.postMessage"), c => InAuditChannel(c) && ThreadOf(c) is null);
    }

    [Fact]
    public async Task WithoutAnAuditChannel_NothingIsPublished()
    {
        await using var bot = await BotHost.StartAsync();
        await bot.ActiveRequestAsync();
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.audit_publish_cursor"));
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postMessage").Any(c => c.Text.Contains("is active until", StringComparison.Ordinal)), "the requester's DM");
        Assert.All(bot.Slack.CallsTo("chat.postMessage"), c => Assert.Matches("^(C0APPROVALS|DU0ALICE)$", c.Body["channel"]!.GetValue<string>()));
    }
}
