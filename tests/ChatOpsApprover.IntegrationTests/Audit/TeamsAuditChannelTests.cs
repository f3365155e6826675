using System.Net;
using System.Text.Json.Nodes;
using ChatOpsApprover.Audit;
using ChatOpsApprover.Chat.Teams;
using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Audit;

/// <summary>The audit channel on Teams: one post per request, replaced in place, a reply in its thread per event; standalone security events.</summary>
public sealed class TeamsAuditChannelTests
{
    private const string Channel = "19:audit@thread.tacv2";

    private static Task<BotHost> StartAsync(Action<Dictionary<string, string?>>? configure = null) =>
        BotHost.StartAsync(s =>
        {
            s["Audit:TeamsChannel"] = Channel;
            configure?.Invoke(s);
        });

    private static string Thread(string root) => $"{Channel};messageid={root}";

    private static List<ConnectorCall> Replies(BotHost bot, string root) =>
        bot.Teams.CallsTo("reply").Where(c => c.ConversationId == Thread(root) && c.ActivityId == root).ToList();

    private static IEnumerable<ConnectorCall> AuditCalls(BotHost bot) =>
        bot.Teams.Calls.Where(c => c.ConversationId is { } id && id.StartsWith(Channel, StringComparison.Ordinal));

    /// <summary>Every text of the activity's card, in order.</summary>
    private static List<string> Runs(ConnectorCall call) =>
        call.Card!["body"]!.AsArray().SelectMany(line => line!["inlines"]!.AsArray()).Select(run => run!["text"]!.GetValue<string>()).ToList();

    private static string Shown(ConnectorCall call) => string.Concat(Runs(call));

    [Fact]
    public async Task EachRequest_HasOneTeamsAuditPost_ReplacedInPlace_AndAThreadReplyForEveryEvent()
    {
        await using var bot = await StartAsync();
        const string reason = "fix [click](https://evil.example) <at>bob</at> **now** INC-1234";
        var id = await bot.TeamsRequestAccessAsync(TeamsIds.Alice, "jit request prod-db-read 2h fix [click](https://evil.example) &lt;at&gt;bob&lt;/at&gt; **now** INC-1234");
        Assert.Equal(reason, (await bot.RequestAsync(id)).Reason);
        await bot.TeamsClickAsync(TeamsIds.Bob, id, approve: true);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        bot.Time.Advance(TimeSpan.FromHours(2));
        await bot.WaitForStatusAsync(id, RequestStatus.Expired);

        var root = await Wait.UntilAsync(() => bot.ScalarTextOrNullAsync($"SELECT message_id FROM jit.audit_messages WHERE request_id = {id} AND platform = 'teams' AND channel = '{Channel}'"), "the request's Teams audit message");
        await Wait.UntilAsync(() => Replies(bot, root).Count >= 4, "a reply for each of the four events");
        var replies = Replies(bot, root);
        Assert.Equal(4, replies.Count);
        Assert.Equal("Requested by alice", Runs(replies[0])[0]);
        Assert.Equal("Approved by bob", Runs(replies[1])[0]);
        Assert.Equal("Access granted by system", Runs(replies[2])[0]);
        Assert.Equal("Access expired by system", Runs(replies[3])[0]);
        Assert.All(replies, r => Assert.Equal(root, r.Body["replyToId"]!.GetValue<string>()));

        // Each reply anchors its entry's hash outside the database.
        var hashes = await bot.ScalarTextsAsync($"SELECT hash FROM jit.audit_log WHERE request_id = {id} ORDER BY id");
        for (var i = 0; i < 4; i++)
        {
            Assert.Contains($"sha256 {hashes[i]}", Shown(replies[i]), StringComparison.Ordinal);
        }

        // One post for the request in the channel itself, then only replaced, ending in the final state.
        var post = Assert.Single(bot.Teams.CallsTo("send"), c => c.ConversationId == Channel);
        Assert.Equal(root, post.ActivityId);
        Assert.Equal(TeamsApprovalCard.ContentType, post.Body["attachments"]![0]!["contentType"]!.GetValue<string>());
        Assert.Contains("Waiting for approval", Shown(post), StringComparison.Ordinal);
        await Wait.UntilAsync(() => bot.Teams.CallsTo("update").LastOrDefault(c => c.ConversationId == Channel && c.ActivityId == root) is { } u && Shown(u).Contains("Expired", StringComparison.Ordinal), "the audit message to show the end");
        var last = Shown(bot.Teams.CallsTo("update").Last(c => c.ConversationId == Channel && c.ActivityId == root));
        Assert.Contains("Approved by bob", last, StringComparison.Ordinal);
        Assert.Contains("Access granted by system", last, StringComparison.Ordinal);
        Assert.All(bot.Teams.CallsTo("update").Where(c => c.ConversationId?.StartsWith(Channel, StringComparison.Ordinal) == true), u => Assert.Equal(root, u.ActivityId));
        Assert.DoesNotContain(bot.Teams.CallsTo("send"), c => c.ConversationId?.StartsWith(Channel + ";", StringComparison.Ordinal) == true);

        // Nobody is pinged, and user text stays text: only TextRuns, no message text, no mention entities.
        var calls = AuditCalls(bot).ToList();
        Assert.Equal(1 + 4 + bot.Teams.CallsTo("update").Count(c => c.ConversationId == Channel), calls.Count);
        Assert.All(calls, c =>
        {
            Assert.Null(c.Body["text"]);
            Assert.Null(c.Body["entities"]);
            Assert.All(c.Card!["body"]!.AsArray(), line =>
            {
                Assert.Equal("RichTextBlock", line!["type"]!.GetValue<string>());
                Assert.All(line["inlines"]!.AsArray(), run => Assert.Equal("TextRun", run!["type"]!.GetValue<string>()));
            });
        });
        Assert.Contains(reason, Runs(post));
    }

    [Fact]
    public async Task ABurstOfForgedTeamsTokens_IsOneAuditEntry_PostedStandaloneInTheTeamsChannel()
    {
        await using var bot = await StartAsync();
        var forged = bot.Teams.MintToken(bot.Time.GetUtcNow(), bot.Teams.ServiceUrl.ToString(), key: FakeTeamsServer.UnpublishedKey(FakeTeamsServer.CurrentKeyId));
        for (var i = 0; i < 6; i++)
        {
            using var response = await bot.PostTeamsAsync(bot.TeamsMessage(TeamsIds.Alice, "jit request prod-db-read 1h x"), forged);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        // Counted in memory only: nothing is written until the minute is over.
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.audit_log"));
        bot.Time.Advance(SignatureFailureMonitor.Window);
        await Wait.UntilAsync(async () => await bot.ScalarAsync("SELECT count(*) FROM jit.audit_log") == 1, "the burst's audit entry");
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE event = '{AuditEvents.SecuritySignatureFailures}' AND request_id IS NULL AND platform = 'teams' AND details->>'count' = '6' AND details->>'endpoints' = '/api/messages ×6'"));

        var message = await Wait.UntilAsync(() => Task.FromResult(AuditCalls(bot).FirstOrDefault()), "the standalone audit message");
        Assert.Equal("send", message.Operation);
        Assert.Equal(Channel, message.ConversationId);
        Assert.Null(message.Body["replyToId"]);
        var shown = Shown(message);
        Assert.StartsWith("Burst of requests with bad signatures by unknown", shown, StringComparison.Ordinal);
        Assert.Contains("count: 6", shown, StringComparison.Ordinal);
        Assert.Contains("endpoints: /api/messages ×6", shown, StringComparison.Ordinal);
        Assert.Contains("security.signature_failures · entry 1 · sha256 ", shown, StringComparison.Ordinal);
        await Wait.UntilAsync(async () => await bot.ScalarAsync("SELECT last_id FROM jit.audit_publish_cursor WHERE platform = 'teams'") == 1, "the publisher to be done");
        Assert.Single(AuditCalls(bot));
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.access_requests"));
    }

    [Fact]
    public async Task WithTeamsOff_TheTeamsAuditChannelIsInactive()
    {
        await using var bot = await StartAsync(s => s["Teams:AppId"] = string.Empty);
        var id = await bot.ActiveRequestAsync();
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postMessage").Any(c => c.Text.Contains("is active until", StringComparison.Ordinal)), "the requester's DM");
        Assert.Equal(3, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id}"));
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.audit_publish_cursor"));
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.audit_messages"));
        Assert.Empty(bot.Teams.Calls);
    }
}
