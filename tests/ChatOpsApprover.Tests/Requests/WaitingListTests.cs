using ChatOpsApprover.Chat;
using ChatOpsApprover.Chat.Slack;
using ChatOpsApprover.Chat.Teams;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;

namespace ChatOpsApprover.Tests.Requests;

/// <summary>"jit list" for an approver: the words of the waiting part, and the links each platform forms to a card.</summary>
public sealed class WaitingListTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 10, 15, 0, TimeSpan.Zero);

    private static AccessRequest Pending(long id, string person) => new(id, person, "prod-db-read", "prod-db", "prod_read", person + "_login", TimeSpan.FromHours(2), "fix INC-1234",
        RequestStatus.Pending, SlackChat.Key, T0, [], null, null, null, null, null);

    [Fact]
    public void SlackLink_IsThePermalinkOfTheCardsMessage() =>
        Assert.Equal("https://slack.com/archives/C0APPROVALS/p1700000000000101",
            new SlackPlatform(null!, null!).LinkTo(new ChatMessageRef(SlackChat.Key, "C0APPROVALS", "1700000000.000101"))!.AbsoluteUri);

    [Fact]
    public void TeamsLink_IsADeepLinkToTheCardsPost_WithoutAThreadPart() =>
        Assert.Equal("https://teams.microsoft.com/l/message/19:approvals@thread.tacv2/1700000000001",
            new TeamsPlatform(null!, null!, null!, null!, null!).LinkTo(new ChatMessageRef(TeamsChat.Key, "19:approvals@thread.tacv2;messageid=1", "1700000000001"))!.AbsoluteUri);

    [Fact]
    public void WithNothingWaiting_TheListIsAsBefore() =>
        Assert.Equal(RequestMessages.RequestList([]), RequestMessages.RequestList([], []));

    [Fact]
    public void EachWaitingRequest_NamesItself_AndLinksToItsCard_OrSaysWhereItIs()
    {
        var text = RequestMessages.RequestList([], [
            new WaitingRequest(Pending(7, "alice"), new Uri("https://slack.com/archives/C0APPROVALS/p1700000000000101"), null),
            new WaitingRequest(Pending(8, "carol"), null, "C0APPROVALS"),
            new WaitingRequest(Pending(9, "dave"), null, null),
        ]);
        Assert.Equal(
            "You have no pending or active requests.\n\nWaiting for your decision:\n" +
            "• #7 prod-db-read for 2h, asked by alice at 2026-11-02 10:15 UTC: https://slack.com/archives/C0APPROVALS/p1700000000000101\n" +
            "• #8 prod-db-read for 2h, asked by carol at 2026-11-02 10:15 UTC: its card is in C0APPROVALS\n" +
            "• #9 prod-db-read for 2h, asked by dave at 2026-11-02 10:15 UTC: its card is not posted yet",
            text);
    }

    [Fact]
    public void MoreThanTheLimit_AreCutShort_AndSaySo()
    {
        var waiting = Enumerable.Range(1, ListRequests.MaxWaiting + 1).Select(i => new WaitingRequest(Pending(i, "alice"), null, null)).ToList();
        var text = RequestMessages.RequestList([], waiting);
        Assert.Equal(ListRequests.MaxWaiting, text.Split('\n').Count(l => l.StartsWith("• #", StringComparison.Ordinal)));
        Assert.EndsWith("…and more; decide these first, or see each role's approval channel.", text, StringComparison.Ordinal);
    }
}
