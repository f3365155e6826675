using ChatOpsApprover.Chat.Slack;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Grants;
using ChatOpsApprover.Requests;

namespace ChatOpsApprover.Tests.Requests;

/// <summary>
/// Every outcome of a use case is worded in one place (<see cref="RequestMessages"/>), the same on every platform:
/// these pin the sentences people read, so moving code around cannot change them.
/// </summary>
public sealed class RequestMessagesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 10, 15, 0, TimeSpan.Zero);

    private static readonly AccessRequest Ended = new(42, "alice", "prod-db-read", "prod-db", "prod_read", "alice_login", TimeSpan.FromHours(2), "fix INC-1234",
        RequestStatus.Expired, SlackChat.Key, T0, [], T0, T0.AddHours(2), T0.AddHours(2), null, null);

    [Theory]
    [InlineData(RequestAccessOutcome.SentToApprovers, "Request #42 for prod-db-read (1h30m) was sent to its approvers. You will get a message when it is decided.")]
    [InlineData(RequestAccessOutcome.AutoApproved, "Request #42 for prod-db-read (1h30m) needs no approval; access is being granted.")]
    [InlineData(RequestAccessOutcome.AutoApprovedAwaitingSecondFactor, "Request #42 for prod-db-read (1h30m) needs no approval; access starts once you confirm it with your second factor (a link is on its way).")]
    public void ForRequest_SaysWhatHappenedToTheRequest(RequestAccessOutcome outcome, string expected) =>
        Assert.Equal(expected, RequestMessages.ForRequest(new RequestAccessResult(outcome, 42, "prod-db-read", TimeSpan.FromMinutes(90))));

    [Fact]
    public void ForRequest_Refused_IsPolicysReason() =>
        Assert.Equal("There is no role \"x\".", RequestMessages.ForRequest(RequestAccessResult.Refused("There is no role \"x\".")));

    [Theory]
    [InlineData(RevokeOutcome.Revoked, "Access of request #42 (prod-db-read) was revoked.")]
    [InlineData(RevokeOutcome.Withdrawn, "Request #42 (prod-db-read) was withdrawn before access started.")]
    [InlineData(RevokeOutcome.NotFound, "There is no request #42. See your requests with: jit list")]
    [InlineData(RevokeOutcome.NotAllowed, "You may not revoke request #42: only its requester, an approver of its role or an admin may.")]
    [InlineData(RevokeOutcome.AlreadyEnded, "Request #42 has already ended (ended at 2026-11-02 12:15 UTC); nothing changed.")]
    [InlineData(RevokeOutcome.TargetUnavailable, "The target of request #42 did not answer; the revocation is retried until it succeeds.")]
    public void ForRevoke_SaysWhatHappenedToTheRequest(RevokeOutcome outcome, string expected) =>
        Assert.Equal(expected, RequestMessages.ForRevoke(outcome, 42, Ended));

    [Fact]
    public void ForConfirm_SaysWhetherALinkWasIssued()
    {
        Assert.Equal("the link", RequestMessages.ForConfirm(new ConfirmResult(ConfirmOutcome.LinkIssued, 42, LinkMessage: "the link")));
        Assert.Equal("There is no request #42 waiting for your confirmation. See your requests with: jit list",
            RequestMessages.ForConfirm(new ConfirmResult(ConfirmOutcome.NotFound, 42)));
        Assert.Equal("Request #42 is not waiting for your confirmation (ended at 2026-11-02 12:15 UTC); nothing to confirm.",
            RequestMessages.ForConfirm(new ConfirmResult(ConfirmOutcome.NotWaiting, 42, Request: Ended)));
    }

    [Fact]
    public void EmptyLists_SayHowToGoOn()
    {
        Assert.Equal("You have no pending or active requests. Ask for access with: jit request <role> <duration> <reason…>", RequestMessages.RequestList([]));
        Assert.Equal("There is no role you can request: you have no login at any target. Ask an admin to add your logins under People.", RequestMessages.RoleList([]));
    }

    [Fact]
    public void NotRegistered_NamesTheChatUser() =>
        Assert.Equal("You (slack user U0NOBODY) are not registered with ChatOpsApprover. Ask an admin to add you under People in the configuration.",
            RequestMessages.NotRegistered(new ChatUser(SlackChat.Key, "U0NOBODY")));

    [Fact]
    public void EveryOutcome_HasASentenceOfItsOwn()
    {
        AssertDistinct(Enum.GetValues<RequestAccessOutcome>().Select(o => RequestMessages.ForRequest(new RequestAccessResult(o, 42, "prod-db-read", TimeSpan.FromHours(1), "refused"))));
        AssertDistinct(Enum.GetValues<RevokeOutcome>().Select(o => RequestMessages.ForRevoke(o, 42, Ended)));
        AssertDistinct(Enum.GetValues<ConfirmOutcome>().Select(o => RequestMessages.ForConfirm(new ConfirmResult(o, 42, "link", Ended))));
        AssertDistinct(Enum.GetValues<DecisionOutcome>().Select(o => new DecisionResult(o, 42).Message));
    }

    private static void AssertDistinct(IEnumerable<string> sentences)
    {
        var all = sentences.ToList();
        Assert.All(all, s => Assert.False(string.IsNullOrWhiteSpace(s)));
        Assert.Equal(all.Count, all.Distinct(StringComparer.Ordinal).Count());
    }
}
