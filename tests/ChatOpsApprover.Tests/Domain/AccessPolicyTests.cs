using ChatOpsApprover.Chat.Slack;
using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Tests.Domain;

public sealed class AccessPolicyTests
{
    private static readonly Person Alice = new("alice", OnSlack("U0ALICE"), new Dictionary<string, string> { ["prod-db"] = "alice" }, false);
    private static readonly Person Bob = new("bob", OnSlack("U0BOB"), new Dictionary<string, string>(), false);
    private static readonly Person Carol = new("carol", OnSlack("U0CAROL"), new Dictionary<string, string>(), false);
    private static readonly RoleDefinition Read = new("prod-db-read", "read", "prod-db", "prod_read", TimeSpan.FromHours(4), ["bob", "alice"], 1, false, OnSlack("C1"));
    private static readonly AccessDirectory Directory = new([Alice, Bob, Carol], [Read], [new SlackChat()]);
    private static readonly ChatUser AliceUser = new(SlackChat.Key, "U0ALICE");

    private static AccessRequest Pending(string personId = "alice") => new(
        1, personId, "prod-db-read", "prod-db", "prod_read", "alice", TimeSpan.FromHours(1), "why", RequestStatus.Pending, SlackChat.Key,
        DateTimeOffset.UnixEpoch, [], null, null, null, null, null);

    [Fact]
    public void Request_WithinLimits_IsAllowed_WithTheLoginAtTheTarget()
    {
        var allowed = Assert.IsType<RequestCheck.Allowed>(AccessPolicy.CheckRequest(Directory, Alice, AliceUser, "prod-db-read", TimeSpan.FromHours(2)));
        Assert.Equal("alice", allowed.Login);
    }

    [Fact]
    public void Request_OverTheMaximum_IsRefused() =>
        Assert.Contains("at most 4h", Assert.IsType<RequestCheck.Refused>(AccessPolicy.CheckRequest(Directory, Alice, AliceUser, "prod-db-read", TimeSpan.FromHours(5))).Message, StringComparison.Ordinal);

    [Fact]
    public void Request_ForAnUnknownRole_IsRefused_AndNamesTheKnownRoles() =>
        Assert.Contains("prod-db-read", Assert.IsType<RequestCheck.Refused>(AccessPolicy.CheckRequest(Directory, Alice, AliceUser, "root", TimeSpan.FromHours(1))).Message, StringComparison.Ordinal);

    [Fact]
    public void Request_WithoutALoginAtTheTarget_IsRefused() =>
        Assert.Contains("no login", Assert.IsType<RequestCheck.Refused>(AccessPolicy.CheckRequest(Directory, Bob, new ChatUser(SlackChat.Key, "U0BOB"), "prod-db-read", TimeSpan.FromHours(1))).Message, StringComparison.Ordinal);

    [Fact]
    public void Request_ByAnUnknownPerson_IsRefused() =>
        Assert.IsType<RequestCheck.Refused>(AccessPolicy.CheckRequest(Directory, null, new ChatUser(SlackChat.Key, "U0NOBODY"), "prod-db-read", TimeSpan.FromHours(1)));

    [Fact]
    public void Approve_ByRequester_IsRefused_EvenWhenTheyAreAnApprover() =>
        Assert.Equal(DecisionOutcome.SelfApprovalRefused, AccessPolicy.CheckDecision(Directory, Pending("alice"), Read, Alice));

    [Fact]
    public void Approve_ByNonApprover_IsRefused() =>
        Assert.Equal(DecisionOutcome.NotAnApprover, AccessPolicy.CheckDecision(Directory, Pending(), Read, Carol));

    [Fact]
    public void Approve_OfADecidedRequest_IsRefused() =>
        Assert.Equal(DecisionOutcome.AlreadyDecided, AccessPolicy.CheckDecision(Directory, Pending() with { Status = RequestStatus.Approved }, Read, Bob));

    [Fact]
    public void Approve_OfATimedOutRequest_SaysSo() =>
        Assert.Equal(DecisionOutcome.TimedOut, AccessPolicy.CheckDecision(Directory, Pending() with { Status = RequestStatus.TimedOut }, Read, Bob));

    [Fact]
    public void SecondVote_BySameApprover_IsRefused() =>
        Assert.Equal(DecisionOutcome.AlreadyVotedByYou, AccessPolicy.CheckDecision(Directory, Pending() with { Decisions = [new Decision("bob", true, DateTimeOffset.UnixEpoch, SlackChat.Key)] }, Read, Bob));

    [Fact]
    public void Votes_DenyWins_AndApprovalNeedsTheRequiredCount()
    {
        var twoNeeded = Read with { RequiredApprovals = 2 };
        Assert.Equal(RequestStatus.Denied, AccessPolicy.StatusAfterVote(twoNeeded.RequiredApprovals, 1, approvedNow: false));
        Assert.Equal(RequestStatus.Pending, AccessPolicy.StatusAfterVote(twoNeeded.RequiredApprovals, 1, approvedNow: true));
        Assert.Equal(RequestStatus.Approved, AccessPolicy.StatusAfterVote(twoNeeded.RequiredApprovals, 2, approvedNow: true));
    }

    [Theory]
    [InlineData(RequestStatus.Pending, RequestStatus.Approved, true)]
    [InlineData(RequestStatus.Pending, RequestStatus.Active, false)]
    [InlineData(RequestStatus.Pending, RequestStatus.TimedOut, true)]
    [InlineData(RequestStatus.Approved, RequestStatus.TimedOut, false)]
    [InlineData(RequestStatus.TimedOut, RequestStatus.Approved, false)]
    [InlineData(RequestStatus.Approved, RequestStatus.Active, true)]
    [InlineData(RequestStatus.Active, RequestStatus.Expired, true)]
    [InlineData(RequestStatus.Expired, RequestStatus.Active, false)]
    [InlineData(RequestStatus.Denied, RequestStatus.Approved, false)]
    [InlineData(RequestStatus.Revoked, RequestStatus.Revoked, false)]
    public void Lifecycle_AllowsOnlyItsMoves(RequestStatus from, RequestStatus to, bool allowed) =>
        Assert.Equal(allowed, RequestLifecycle.CanMove(from, to));

    private static Dictionary<ChatPlatform, string> OnSlack(string id) => new() { [SlackChat.Key] = id };
}
