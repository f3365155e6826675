using System.Text.Json.Nodes;
using ChatOpsApprover.Chat.Cards;
using ChatOpsApprover.Chat.Slack;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;

namespace ChatOpsApprover.Tests.Chat.Slack;

public sealed class SlackHomeTabTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static readonly Person Alice = new("alice", new Dictionary<ChatPlatform, string> { [SlackChat.Key] = "U0ALICE" }, new Dictionary<string, string>(), false);

    private static AccessRequest Request(long id, string person, RequestStatus status, string reason = "fix INC-1234") =>
        new(id, person, "prod-db-read", "prod-db", "prod_read", "login", TimeSpan.FromHours(2), reason, status, SlackChat.Key, At, [],
            status == RequestStatus.Active ? At : null, status == RequestStatus.Active ? At.AddHours(2) : null, null, null, null);

    private static string? SlackId(string personId) => personId == "carol" ? "U0CAROL" : null;

    private static readonly System.Text.Json.JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The view as Slack would read it, without \u003C-style escapes.</summary>
    private static string Json(JsonObject view) => view.ToJsonString(Readable);

    private static IEnumerable<JsonNode> Blocks(JsonObject view) => view["blocks"]!.AsArray().Select(b => b!);

    /// <summary>Every button in the view, wherever it sits (an actions block or a section's accessory).</summary>
    private static List<JsonNode> Buttons(JsonObject view) =>
    [
        .. Blocks(view).SelectMany(b => b["elements"]?.AsArray().Select(e => e!) ?? []),
        .. Blocks(view).Select(b => b["accessory"]).OfType<JsonNode>(),
    ];

    [Fact]
    public void Requester_SeesRequestAccess_TheirPendingAndActiveRequests_AndRevokeOnlyOnTheActiveOne()
    {
        var view = SlackHomeTab.Render(HomeViewBuilder.Build(Alice, [Request(4, "alice", RequestStatus.Pending), Request(5, "alice", RequestStatus.Active)], [], approver: false), SlackId);

        Assert.Equal("home", view["type"]!.GetValue<string>());
        var json = Json(view);
        Assert.Contains("#4 prod-db-read for 2h — waiting for approval", json, StringComparison.Ordinal);
        Assert.Contains("#5 prod-db-read for 2h — active until 2026-12-01 11:00 UTC", json, StringComparison.Ordinal);
        Assert.DoesNotContain(HomeViewBuilder.WaitingHeading, json, StringComparison.Ordinal);

        var buttons = Buttons(view);
        Assert.Equal([HomeAction.RequestAccessId, HomeAction.RevokeId], buttons.Select(b => b["action_id"]!.GetValue<string>()));
        var revoke = buttons.Single(b => b["action_id"]!.GetValue<string>() == HomeAction.RevokeId);
        Assert.Equal("5", revoke["value"]!.GetValue<string>());
        Assert.NotNull(revoke["confirm"]);
    }

    [Fact]
    public void Approver_SeesWhatWaits_WithTheCardsOwnApproveAndDeny_AndTheRequesterMentioned_AndUserTextEscaped()
    {
        var waiting = new WaitingRequest(Request(9, "carol", RequestStatus.Pending, "<!channel> see <https://evil.example|here>"), null, null);
        var view = SlackHomeTab.Render(HomeViewBuilder.Build(Alice, [], [waiting], approver: true), SlackId);

        var json = Json(view);
        Assert.Contains("You have no pending or active requests.", json, StringComparison.Ordinal);
        Assert.Contains("<@U0CAROL>", json, StringComparison.Ordinal);
        Assert.DoesNotContain("<!channel>", json, StringComparison.Ordinal);
        Assert.DoesNotContain("<https://evil", json, StringComparison.Ordinal);
        var decision = Blocks(view).Single(b => b["block_id"]?.GetValue<string>() == "jit_home_decision_9");
        Assert.Equal(
            [(SlackApprovalCard.ApproveAction, "9"), (SlackApprovalCard.DenyAction, "9")],
            decision["elements"]!.AsArray().Select(e => (e!["action_id"]!.GetValue<string>(), e["value"]!.GetValue<string>())));
    }

    [Fact]
    public void Approver_WithNothingWaiting_IsToldSo()
    {
        var json = Json(SlackHomeTab.Render(HomeViewBuilder.Build(Alice, [], [], approver: true), SlackId));
        Assert.Contains(HomeViewBuilder.WaitingHeading, json, StringComparison.Ordinal);
        Assert.Contains("Nothing waits for your decision.", json, StringComparison.Ordinal);
    }

    [Fact]
    public void SomeoneNotRegistered_IsToldHowToGetAdded_WithoutButtons()
    {
        var view = SlackHomeTab.Render(HomeViewBuilder.NotRegistered(new ChatUser(SlackChat.Key, "U0STRANGER")), SlackId);
        Assert.Contains("not registered", Json(view), StringComparison.Ordinal);
        Assert.Contains("Ask an admin to add you under People", Json(view), StringComparison.Ordinal);
        Assert.Empty(Buttons(view));
    }

    [Fact]
    public void TheFullestTab_StaysWithinSlacksBlockLimit_AndSaysMoreWereLeftOut()
    {
        var own = Enumerable.Range(1, 40).Select(i => Request(i, "alice", RequestStatus.Active)).ToList();
        var waiting = Enumerable.Range(100, ListRequests.MaxWaiting + 1).Select(i => new WaitingRequest(Request(i, "carol", RequestStatus.Pending), null, null)).ToList();
        var view = SlackHomeTab.Render(HomeViewBuilder.Build(Alice, own, waiting, approver: true), SlackId);

        Assert.True(view["blocks"]!.AsArray().Count <= SlackHomeTab.MaxBlocks, $"{view["blocks"]!.AsArray().Count} blocks");
        var blockIds = Blocks(view).Select(b => b["block_id"]?.GetValue<string>()).OfType<string>().ToList();
        Assert.Equal(blockIds.Count, blockIds.Distinct().Count());
        Assert.Contains("…and more: type /jit list", Json(view), StringComparison.Ordinal);
        Assert.Contains("…and more; decide these first", Json(view), StringComparison.Ordinal);
    }
}
