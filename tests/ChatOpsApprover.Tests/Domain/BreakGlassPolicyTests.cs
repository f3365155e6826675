using ChatOpsApprover.Chat.Slack;
using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Tests.Domain;

/// <summary>Break-glass: who may take a role without approval, for how long, who reviews it, and that the second factor is never skipped.</summary>
public sealed class BreakGlassPolicyTests
{
    private static readonly Person Alice = new("alice", OnSlack("U0ALICE"), new Dictionary<string, string> { ["prod-db"] = "alice" }, false);
    private static readonly Person Bob = new("bob", OnSlack("U0BOB"), new Dictionary<string, string> { ["prod-db"] = "bob" }, false);
    private static readonly Person Carol = new("carol", OnSlack("U0CAROL"), new Dictionary<string, string> { ["prod-db"] = "carol" }, false);

    private static readonly RoleDefinition Glass = new("prod-db-write", "write", "prod-db", "prod_write", TimeSpan.FromHours(4), ["bob"], 1, false, OnSlack("C1"))
    {
        BreakGlass = new BreakGlassRule(TimeSpan.FromHours(1)),
        Requesters = ["alice", "bob"],
        StepUp = StepUpPolicy.None,
    };

    private static readonly RoleDefinition NoGlass = new("prod-db-read", "read", "prod-db", "prod_read", TimeSpan.FromHours(4), ["bob"], 1, false, OnSlack("C1"));
    private static readonly AccessDirectory Directory = new([Alice, Bob, Carol], [Glass, NoGlass], [new SlackChat()]);

    private static ChatUser On(string userId) => new(SlackChat.Key, userId);

    private static AccessRequest Use(string personId = "alice", bool breakGlass = true) => new(
        7, personId, "prod-db-write", "prod-db", "prod_write", personId, TimeSpan.FromMinutes(30), "outage", RequestStatus.Approved, SlackChat.Key,
        DateTimeOffset.UnixEpoch, [], null, null, null, null, null)
    { BreakGlass = breakGlass };

    [Fact]
    public void BreakGlass_WithinItsLimit_ByARequester_IsAllowed() =>
        Assert.Equal("alice", Assert.IsType<RequestCheck.Allowed>(AccessPolicy.CheckBreakGlass(Directory, Alice, On("U0ALICE"), "prod-db-write", TimeSpan.FromHours(1))).Login);

    [Fact]
    public void BreakGlass_LongerThanItsLimit_IsRefused_NamingTheLimit_EvenWithinTheRolesMaximum() =>
        Assert.Contains("at most 1h; you asked for 2h", Refusal(Alice, "U0ALICE", "prod-db-write", TimeSpan.FromHours(2)), StringComparison.Ordinal);

    [Fact]
    public void BreakGlass_OnARoleWithoutIt_IsRefused_PointingAtJitRequest()
    {
        var message = Refusal(Alice, "U0ALICE", "prod-db-read", TimeSpan.FromMinutes(30));
        Assert.Contains("has no break-glass", message, StringComparison.Ordinal);
        Assert.Contains("jit request prod-db-read", message, StringComparison.Ordinal);
    }

    [Fact]
    public void BreakGlass_BySomeoneNotAllowedToRequestTheRole_IsRefused_NamingTheKey() =>
        Assert.Contains("Roles:prod-db-write:Requesters", Refusal(Carol, "U0CAROL", "prod-db-write", TimeSpan.FromMinutes(30)), StringComparison.Ordinal);

    [Fact]
    public void BreakGlass_ByAnUnknownPerson_OrOnAnUnknownRole_IsRefused()
    {
        Assert.Contains("not registered", Refusal(null, "U0NOBODY", "prod-db-write", TimeSpan.FromMinutes(30)), StringComparison.Ordinal);
        Assert.Contains("There is no role", Refusal(Alice, "U0ALICE", "root", TimeSpan.FromMinutes(30)), StringComparison.Ordinal);
    }

    [Fact]
    public void Review_ByAnApproverOfTheRole_Closes() =>
        Assert.Equal(ReviewOutcome.Reviewed, AccessPolicy.CheckReview(Directory, Use(), Glass, Bob));

    [Fact]
    public void Review_ByTheRequester_IsRefused_EvenWhenTheyApproveTheRole() =>
        Assert.Equal(ReviewOutcome.OwnUseRefused, AccessPolicy.CheckReview(Directory, Use("bob"), Glass, Bob));

    [Fact]
    public void Review_ByTheRequesterWhoIsNoApprover_IsRefused_AsTheirOwnUse() =>
        Assert.Equal(ReviewOutcome.OwnUseRefused, AccessPolicy.CheckReview(Directory, Use("alice"), Glass, Alice));

    [Fact]
    public void Review_BySomeoneWhoMayNotSeeTheRequest_IsToldItDoesNotExist() =>
        Assert.Equal(ReviewOutcome.NotFound, AccessPolicy.CheckReview(Directory, Use(), Glass, Carol));

    [Fact]
    public void Review_OfAnOrdinaryRequest_OrOneAlreadyReviewed_ChangesNothing()
    {
        Assert.Equal(ReviewOutcome.NotBreakGlass, AccessPolicy.CheckReview(Directory, Use(breakGlass: false), Glass, Bob));
        Assert.Equal(ReviewOutcome.AlreadyReviewed, AccessPolicy.CheckReview(Directory, Use() with { ReviewedAt = DateTimeOffset.UnixEpoch, ReviewedBy = "dave" }, Glass, Bob));
    }

    [Fact]
    public void ABreakGlassUse_IsNeverGrantable_WithoutTheRequestersVerifiedSecondFactor_EvenOnARoleWithoutStepUp()
    {
        Assert.True(StepUpRules.RequesterMustConfirm(Use(), Glass));
        Assert.False(StepUpRules.ReadyToGrant(Use(), Glass));
        var waiting = new StepUpConfirmation("alice", StepUpPurpose.Requester, StepUpState.Waiting, DateTimeOffset.UnixEpoch, StepUpRisk.None);
        Assert.False(StepUpRules.ReadyToGrant(Use() with { StepUps = [waiting] }, Glass));
        Assert.True(StepUpRules.ReadyToGrant(Use() with { StepUps = [waiting with { State = StepUpState.Verified }] }, Glass));

        // The same role without break-glass needs no second factor.
        Assert.True(StepUpRules.ReadyToGrant(Use(breakGlass: false), Glass));
    }

    [Fact]
    public void TheGrammar_ReadsBreakGlassAndReview_AndRefusesThemWithoutAReasonOrANote()
    {
        Assert.Equal(new JitCommand.BreakGlass("prod-db-write", TimeSpan.FromMinutes(30), "outage INC-1"), JitCommandParser.Parse("breakglass prod-db-write 30m outage INC-1"));
        Assert.Equal(new JitCommand.Review(42, "checked the log"), JitCommandParser.Parse("review #42 checked the log"));
        Assert.Contains("A reason is required", Assert.IsType<JitCommand.Invalid>(JitCommandParser.Parse("breakglass prod-db-write 30m")).Message, StringComparison.Ordinal);
        Assert.Contains("not a duration", Assert.IsType<JitCommand.Invalid>(JitCommandParser.Parse("breakglass prod-db-write soon outage")).Message, StringComparison.Ordinal);
        Assert.Contains("A note is required", Assert.IsType<JitCommand.Invalid>(JitCommandParser.Parse("review 42")).Message, StringComparison.Ordinal);
        Assert.Contains("Which break-glass use?", Assert.IsType<JitCommand.Invalid>(JitCommandParser.Parse("review x fine")).Message, StringComparison.Ordinal);
    }

    private static string Refusal(Person? person, string userId, string role, TimeSpan duration) =>
        Assert.IsType<RequestCheck.Refused>(AccessPolicy.CheckBreakGlass(Directory, person, On(userId), role, duration)).Message;

    private static Dictionary<ChatPlatform, string> OnSlack(string value) => new() { [SlackChat.Key] = value };
}
