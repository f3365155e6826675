using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using ChatOpsApprover.Chat.Cards;
using ChatOpsApprover.Chat.Slack;
using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Chat.Slack;

/// <summary>
/// The Events API (POST /slack/events, and events_api envelopes over Socket Mode) and the Home tab it publishes: the
/// challenge, signatures, retries acted on once, a requester's and an approver's tab, clicks from the tab taking the
/// card's path, and the tab republished when a request changes.
/// </summary>
public sealed class SlackHomeTabTests
{
    private const string OpenedJobs = "SELECT count(*) FROM hangfire.job WHERE invocationdata::text LIKE '%SlackHomeTabJobs%OpenedAsync%'";

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static IEnumerable<JsonNode> Blocks(JsonObject view) => view["blocks"]!.AsArray().Select(b => b!);

    [Fact]
    public async Task UrlVerification_IsAnsweredWithTheChallenge()
    {
        await using var bot = await BotHost.StartAsync();
        using var response = await bot.PostEventAsync("{\"token\":\"legacy\",\"challenge\":\"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P\",\"type\":\"url_verification\"}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", body["challenge"]!.GetValue<string>());
    }

    [Fact]
    public async Task BadSignatures_StaleTimestamps_MalformedBodies_AndUnknownTypes_AreRefused_AndChangeNothing()
    {
        await using var bot = await BotHost.StartAsync();
        var opened = BotHost.AppHomeOpened("U0ALICE").ToJsonString();
        var stale = bot.Time.GetUtcNow().AddMinutes(-6).ToUnixTimeSeconds();

        using (var forged = await bot.PostEventAsync(opened, signature: "v0=" + new string('0', 64)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        }

        using (var old = await bot.PostEventAsync(opened, timestamp: stale))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        }

        using (var malformed = await bot.PostEventAsync("{\"type\":\"event_callback\",\"event_id\":"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
            Assert.Contains("not valid JSON", await malformed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var unknown = await bot.PostEventAsync("{\"type\":\"mystery\"}"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
            Assert.Contains("Unknown Events API type", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // An event the bot does not act on is acknowledged quietly, so Slack does not retry it.
        var other = BotHost.AppHomeOpened("U0ALICE");
        other["event"]!["type"] = "member_joined_channel";
        using (var ignored = await bot.PostEventAsync(other.ToJsonString()))
        {
            Assert.Equal(HttpStatusCode.OK, ignored.StatusCode);
        }

        // The Messages tab opens the same event; only the Home tab is published.
        using (var messagesTab = await bot.PostEventAsync(BotHost.AppHomeOpened("U0ALICE", tab: "messages").ToJsonString()))
        {
            Assert.Equal(HttpStatusCode.OK, messagesTab.StatusCode);
        }

        Assert.Equal(0, await bot.ScalarAsync(OpenedJobs));
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.slack_home_tabs"));
        Assert.Empty(bot.Slack.CallsTo("views.publish"));
    }

    [Fact]
    public async Task AnEventRetriedBySlack_IsActedOnOnce()
    {
        await using var bot = await BotHost.StartAsync();
        var opened = BotHost.AppHomeOpened("U0ALICE", eventId: "Ev0RETRIED01").ToJsonString();
        var now = bot.Time.GetUtcNow().ToUnixTimeSeconds();

        using (var first = await bot.PostEventAsync(opened, timestamp: now))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        // Slack signs every delivery anew: the retry is not a replay of the same signature, only the same event_id.
        foreach (var retry in new[] { 1, 2 })
        {
            using var again = await bot.PostEventAsync(opened, retryNum: retry, timestamp: now + retry);
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        await Wait.UntilAsync(() => bot.Slack.HomeTabsOf("U0ALICE").Count == 1, "the Home tab to be published");
        Assert.Equal(1, await bot.ScalarAsync(OpenedJobs));
        Assert.Equal(1, await bot.ScalarAsync("SELECT count(*) FROM jit.slack_home_tabs WHERE user_id = 'U0ALICE'"));
        Assert.Single(bot.Slack.CallsTo("views.publish"));
    }

    [Fact]
    public async Task Requester_SeesPendingAndActive_WithRevokeOnTheActiveOne_AndRevokeFromTheTabRevokes()
    {
        await using var bot = await BotHost.StartAsync();
        var active = await bot.RequestAccessAsync();
        await bot.ClickApproveAsync("U0BOB", active);
        await bot.WaitForStatusAsync(active, RequestStatus.Active);
        var pending = await bot.RequestAccessAsync(text: "request prod-db-read 1h check INC-9");

        var tab = BotHost.Readable(await bot.OpenHomeTabAsync("U0ALICE"));
        Assert.Contains($"#{active} prod-db-read for 2h — active until", tab, StringComparison.Ordinal);
        Assert.Contains($"#{pending} prod-db-read for 1h — waiting for approval", tab, StringComparison.Ordinal);
        Assert.Contains($"\"action_id\":\"{HomeAction.RequestAccessId}\"", tab, StringComparison.Ordinal);
        var revoke = Blocks(Slack(bot, "U0ALICE")).Select(b => b["accessory"]).OfType<JsonNode>().Single();
        Assert.Equal((HomeAction.RevokeId, Id(active)), (revoke["action_id"]!.GetValue<string>(), revoke["value"]!.GetValue<string>()));
        Assert.DoesNotContain(HomeViewBuilder.WaitingHeading, tab, StringComparison.Ordinal);

        await bot.ClickInHomeTabAsync("U0ALICE", HomeAction.RevokeId, Id(active));
        await bot.WaitForStatusAsync(active, RequestStatus.Revoked);
        Assert.False(await bot.HasRoleAsync(bot.LoginOf("alice")));
        await Wait.UntilAsync(
            () => bot.Slack.CallsTo("chat.postMessage").Any(c => c.Body["channel"]?.GetValue<string>() == "DU0ALICE" && c.Text.Contains($"Access of request #{active} (prod-db-read) was revoked.", StringComparison.Ordinal)),
            "alice to be told by direct message that her click revoked the access");
        await bot.WaitForHomeTabAsync("U0ALICE", t => !t.Contains($"#{active} ", StringComparison.Ordinal) && t.Contains($"#{pending} ", StringComparison.Ordinal), "the revoked request gone and the pending one still there");
    }

    [Fact]
    public async Task Revoke_FromSomeoneElsesTab_IsRefusedByTheCommandsRule()
    {
        await using var bot = await BotHost.StartAsync();
        var id = await bot.RequestAccessAsync();
        await bot.ClickApproveAsync("U0BOB", id);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);

        // carol is neither its requester, an approver of its role, nor an admin: "/jit revoke" would refuse her too.
        await bot.ClickInHomeTabAsync("U0CAROL", HomeAction.RevokeId, Id(id));
        await Wait.UntilAsync(
            () => bot.Slack.CallsTo("chat.postMessage").Any(c => c.Body["channel"]?.GetValue<string>() == "DU0CAROL" && c.Text.Contains($"You may not revoke request #{id}", StringComparison.Ordinal)),
            "carol to be told she may not revoke it");
        Assert.Equal(RequestStatus.Active, (await bot.RequestAsync(id)).Status);
        Assert.True(await bot.HasRoleAsync(bot.LoginOf("alice")));
    }

    [Fact]
    public async Task Approver_SeesWhatWaits_WithApproveAndDeny_AndApproveFromTheTabActsLikeTheCard()
    {
        await using var bot = await BotHost.StartAsync();
        var id = await bot.RequestAccessAsync();
        var denied = await bot.RequestAccessAsync(text: "request prod-db-read 1h just curious");

        var tab = await bot.OpenHomeTabAsync("U0BOB");
        Assert.Contains(HomeViewBuilder.WaitingHeading, BotHost.Readable(tab), StringComparison.Ordinal);
        Assert.Contains("<@U0ALICE>", BotHost.Readable(tab), StringComparison.Ordinal);
        var decision = Blocks(tab).Single(b => b["block_id"]?.GetValue<string>() == $"jit_home_decision_{id}");
        Assert.Equal(
            [(SlackApprovalCard.ApproveAction, Id(id)), (SlackApprovalCard.DenyAction, Id(id))],
            decision["elements"]!.AsArray().Select(e => (e!["action_id"]!.GetValue<string>(), e["value"]!.GetValue<string>())));

        // Someone whose answer would not count is refused exactly as on the card, and told why by direct message.
        await bot.ClickInHomeTabAsync("U0CAROL", SlackApprovalCard.ApproveAction, Id(id));
        await Wait.UntilAsync(
            () => bot.Slack.CallsTo("chat.postMessage").Any(c => c.Body["channel"]?.GetValue<string>() == "DU0CAROL" && c.Text.Contains($"#{id}", StringComparison.Ordinal)),
            "carol to be told her click did not count");
        Assert.Equal(RequestStatus.Pending, (await bot.RequestAsync(id)).Status);

        await bot.ClickInHomeTabAsync("U0BOB", SlackApprovalCard.ApproveAction, Id(id));
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        Assert.True(await bot.HasRoleAsync(bot.LoginOf("alice")));
        Assert.Equal("bob", Assert.Single((await bot.RequestAsync(id)).Decisions).ApproverId);

        // Deny from the tab opens the same modal with the click's trigger_id; its submission denies.
        await bot.ClickInHomeTabAsync("U0BOB", SlackApprovalCard.DenyAction, Id(denied), triggerId: "home-deny.1.2");
        var modal = bot.Slack.CallsTo("views.open").Single(c => c.Body["trigger_id"]?.GetValue<string>() == "home-deny.1.2").Body["view"]!.AsObject();
        Assert.Equal(SlackDenyModal.CallbackId, modal["callback_id"]!.GetValue<string>());
        using (var submitted = await bot.SubmitViewAsync("U0BOB", modal, "not for curiosity"))
        {
            Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        }

        await bot.WaitForStatusAsync(denied, RequestStatus.Denied);
        await bot.WaitForHomeTabAsync("U0BOB", t => t.Contains("Nothing waits for your decision.", StringComparison.Ordinal), "nothing waiting any more");
    }

    [Fact]
    public async Task TheTab_IsRepublishedAfterADecision_OnlyForPeopleWhoOpenedIt()
    {
        await using var bot = await BotHost.StartAsync();
        var id = await bot.RequestAccessAsync();
        Assert.Contains($"#{id} prod-db-read for 2h — waiting for approval", BotHost.Readable(await bot.OpenHomeTabAsync("U0ALICE")), StringComparison.Ordinal);
        Assert.Contains($"jit_home_decision_{id}", BotHost.Readable(await bot.OpenHomeTabAsync("U0BOB")), StringComparison.Ordinal);

        await bot.ClickApproveAsync("U0DAVE", id);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);

        var tab = await bot.WaitForHomeTabAsync("U0ALICE", t => t.Contains($"#{id} prod-db-read for 2h — active until", StringComparison.Ordinal), "the request active");
        Assert.Contains($"\"action_id\":\"{HomeAction.RevokeId}\"", BotHost.Readable(tab), StringComparison.Ordinal);
        await bot.WaitForHomeTabAsync("U0BOB", t => !t.Contains($"jit_home_decision_{id}", StringComparison.Ordinal), "the decided request no longer waiting");

        // dave decided it but never opened the tab: nothing is published for him.
        Assert.Empty(bot.Slack.HomeTabsOf("U0DAVE"));
    }

    [Fact]
    public async Task TheTab_IsRepublishedWhenAccessExpires_ByTheRevocationSweepsBatch()
    {
        await using var bot = await BotHost.StartAsync();
        var id = await bot.RequestAccessAsync();
        await bot.ClickApproveAsync("U0BOB", id);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        Assert.Contains($"#{id} prod-db-read for 2h — active until", BotHost.Readable(await bot.OpenHomeTabAsync("U0ALICE")), StringComparison.Ordinal);

        bot.Time.Advance(TimeSpan.FromHours(2));
        await bot.SweepNowAsync();
        await bot.WaitForStatusAsync(id, RequestStatus.Expired);
        await bot.WaitForHomeTabAsync("U0ALICE", t => t.Contains("You have no pending or active requests.", StringComparison.Ordinal), "no request left");
    }

    [Fact]
    public async Task RequestAccess_InTheTab_OpensTheRequestForm_AndAStrangerIsToldHowToGetAdded()
    {
        await using var bot = await BotHost.StartAsync();
        await bot.ClickInHomeTabAsync("U0ALICE", HomeAction.RequestAccessId, "home", triggerId: "home-request.1.2");
        var opened = bot.Slack.CallsTo("views.open").Single(c => c.Body["trigger_id"]?.GetValue<string>() == "home-request.1.2");
        Assert.Equal(SlackRequestModal.CallbackId, opened.Body["view"]!["callback_id"]!.GetValue<string>());

        var stranger = BotHost.Readable(await bot.OpenHomeTabAsync("U0NOBODY"));
        Assert.Contains("not registered", stranger, StringComparison.Ordinal);
        Assert.Contains("Ask an admin to add you under People", stranger, StringComparison.Ordinal);
        Assert.DoesNotContain("\"type\":\"button\"", stranger, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppHomeOpened_OverSocketMode_PublishesTheTab_AndIsActedOnOnce()
    {
        await using var bot = await BotHost.StartAsync(s => s["Slack:AppToken"] = FakeSlackSocketMode.AppToken);
        var socketMode = bot.Slack.SocketMode;
        var socket = await socketMode.WaitForOpenAsync();
        var id = await bot.RequestAccessAsync();

        var opened = BotHost.AppHomeOpened("U0BOB", eventId: "Ev0SOCKET001");
        JsonObject Envelope(int attempt) => new()
        {
            ["envelope_id"] = socketMode.NextEnvelopeId(),
            ["type"] = "events_api",
            ["accepts_response_payload"] = false,
            ["retry_attempt"] = attempt,
            ["retry_reason"] = attempt == 0 ? string.Empty : "timeout",
            ["payload"] = opened.DeepClone(),
        };

        var ack = await socket.SendEnvelopeAsync(Envelope(0));
        Assert.Null(ack["payload"]);
        var tab = await Wait.UntilAsync(() => Task.FromResult(bot.Slack.HomeTabsOf("U0BOB") is [var first, ..] ? first : null), "bob's Home tab to be published");
        Assert.Contains($"jit_home_decision_{id}", BotHost.Readable(tab), StringComparison.Ordinal);

        // Slack sends the event again in a new envelope when it thinks the first was not acknowledged in time.
        var again = await socket.SendEnvelopeAsync(Envelope(1));
        Assert.Null(again["payload"]);
        Assert.Equal(1, await bot.ScalarAsync(OpenedJobs));
    }

    private static JsonObject Slack(BotHost bot, string userId) => bot.Slack.HomeTabsOf(userId)[^1];
}
