using ChatOpsApprover.Chat.Slack;
using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Tests.Configuration;

/// <summary>Groups, Requesters and approvers named through groups: resolved by person, checked at start-up with the key named.</summary>
public sealed class GroupsTests
{
    /// <summary>The shape: dba = bob, carol; engineers = alice, dave and the dba group.</summary>
    private static Dictionary<string, string?> WithGroups()
    {
        var settings = Registered.ExampleSettings();
        settings["People:carol:Slack"] = "U0CAROL";
        settings["People:dave:Slack"] = "U0DAVE";
        settings["People:dave:Logins:prod-db"] = "dave";
        settings["People:frank:Slack"] = "U0FRANK";
        settings["Groups:dba:0"] = "bob";
        settings["Groups:dba:1"] = "carol";
        settings["Groups:engineers:0"] = "alice";
        settings["Groups:engineers:1"] = "dave";
        settings["Groups:engineers:2"] = "group:dba";
        settings["Roles:prod-db-read:Approvers:0"] = "group:dba";
        settings["Roles:prod-db-read:Approvers:1"] = "frank";
        settings["Roles:prod-db-read:Requesters:0"] = "group:engineers";
        settings["Roles:prod-db-read:RequiredApprovals"] = "2";
        return settings;
    }

    [Fact]
    public void Groups_ExpandThroughGroups_ToPeople()
    {
        var access = Registered.Access(WithGroups());
        Assert.Empty(access.Validate(Registered.Defaults));
        var directory = access.ToDirectory(Registered.Defaults);
        var role = directory.FindRole("prod-db-read")!;

        Assert.Equal(["bob", "carol", "frank"], directory.ApproversOf(role).Order(StringComparer.Ordinal));
        Assert.True(directory.MayRequest(role, "bob"), "bob is an engineer through the dba group");
        Assert.True(directory.MayRequest(role, "dave"));
        Assert.False(directory.MayRequest(role, "frank"));
        Assert.True(directory.ApprovesAnyRole("carol"));
        Assert.False(directory.ApprovesAnyRole("alice"));
    }

    [Fact]
    public void EscalatedPeople_AreApproversOfThatRequestOnly()
    {
        var directory = Registered.Access(WithGroups()).ToDirectory(Registered.Defaults);
        var role = directory.FindRole("prod-db-read")!;
        var request = new AccessRequest(1, "dave", role.Name, "prod-db", "prod_read", "dave", TimeSpan.FromHours(1), "why", RequestStatus.Pending, SlackChat.Key,
            DateTimeOffset.UnixEpoch, [], null, null, null, null, null);
        var alice = directory.FindPerson("alice")!;
        Assert.Equal(DecisionOutcome.NotAnApprover, AccessPolicy.CheckDecision(directory, request, role, alice));
        Assert.Equal(DecisionOutcome.Recorded, AccessPolicy.CheckDecision(directory, request with { EscalatedTo = ["alice"] }, role, alice));
        Assert.False(directory.IsApprover(role, "alice"));
    }

    [Fact]
    public void ASlackUsergroup_IsValid_AndItsMembersArePeopleThroughTheirSlackIds()
    {
        var settings = WithGroups();
        settings["Groups:dba:2"] = "slack:S0DBAS";
        settings["Roles:prod-db-read:RequiredApprovals"] = "5";
        var access = Registered.Access(settings);
        Assert.Empty(access.Validate(Registered.Defaults));

        var directory = access.ToDirectory(Registered.Defaults, [new FixedGroups(new Dictionary<string, string[]> { ["S0DBAS"] = ["U0DAVE", "U0NOBODY"] })]);
        Assert.Equal(["bob", "carol", "dave", "frank"], directory.ApproversOf(directory.FindRole("prod-db-read")!).Order(StringComparer.Ordinal));
    }

    private sealed class FixedGroups(Dictionary<string, string[]> groups) : IChatGroupSource
    {
        public ChatPlatform Platform => SlackChat.Key;

        public IReadOnlyCollection<string> MembersOf(string groupId) => groups.GetValueOrDefault(groupId) ?? [];
    }

    [Fact]
    public void WithoutRequesters_AnyoneInPeopleMayRequest()
    {
        var settings = WithGroups();
        settings.Remove("Roles:prod-db-read:Requesters:0");
        var directory = Registered.Access(settings).ToDirectory(Registered.Defaults);
        Assert.True(directory.MayRequest(directory.FindRole("prod-db-read")!, "frank"));
    }

    [Fact]
    public void ARequester_NotNamedByRequesters_IsRefused_SayingWhichKeyDecides()
    {
        var settings = WithGroups();
        settings["People:frank:Logins:prod-db"] = "frank";
        var directory = Registered.Access(settings).ToDirectory(Registered.Defaults);
        var frank = directory.FindPerson("frank");
        var refused = Assert.IsType<RequestCheck.Refused>(AccessPolicy.CheckRequest(directory, frank, new ChatUser(SlackChat.Key, "U0FRANK"), "prod-db-read", TimeSpan.FromHours(1)));
        Assert.Contains("Roles:prod-db-read:Requesters", refused.Message, StringComparison.Ordinal);
        Assert.IsType<RequestCheck.Allowed>(AccessPolicy.CheckRequest(directory, directory.FindPerson("dave"), new ChatUser(SlackChat.Key, "U0DAVE"), "prod-db-read", TimeSpan.FromHours(1)));
    }

    [Fact]
    public void AGroupApprover_Counts_AndTheRequesterNever_EvenInTheGroup()
    {
        var settings = WithGroups();
        settings["People:carol:Logins:prod-db"] = "carol";
        settings["Groups:engineers:3"] = "carol";
        var directory = Registered.Access(settings).ToDirectory(Registered.Defaults);
        var role = directory.FindRole("prod-db-read")!;
        var byCarol = new AccessRequest(1, "carol", role.Name, "prod-db", "prod_read", "carol", TimeSpan.FromHours(1), "why", RequestStatus.Pending, SlackChat.Key,
            DateTimeOffset.UnixEpoch, [], null, null, null, null, null);

        Assert.Equal(DecisionOutcome.Recorded, AccessPolicy.CheckDecision(directory, byCarol, role, directory.FindPerson("bob")!));
        Assert.Equal(DecisionOutcome.SelfApprovalRefused, AccessPolicy.CheckDecision(directory, byCarol, role, directory.FindPerson("carol")!));
        Assert.Equal(DecisionOutcome.NotAnApprover, AccessPolicy.CheckDecision(directory, byCarol, role, directory.FindPerson("dave")!));

        // One person answers once, whichever of their identities they use.
        var answered = byCarol with { Decisions = [new Decision("bob", true, DateTimeOffset.UnixEpoch, new ChatPlatform("teams"))] };
        Assert.Equal(DecisionOutcome.AlreadyVotedByYou, AccessPolicy.CheckDecision(directory, answered, role, directory.FindPerson("bob")!));
    }

    [Theory]
    [InlineData("unknown-person", "Groups:dba: \"mallory\" is not a person under People")]
    [InlineData("unknown-group", "Roles:prod-db-read:Approvers: \"group:nobody\" names no group under Groups")]
    [InlineData("unknown-requester-group", "Roles:prod-db-read:Requesters: \"group:nobody\" names no group under Groups")]
    [InlineData("cycle", "Groups:dba: the groups contain each other in a cycle (dba → engineers → dba)")]
    [InlineData("self", "Groups:dba: the groups contain each other in a cycle (dba → dba)")]
    [InlineData("empty", "Groups:sre: the group is empty")]
    [InlineData("too-few", "Roles:prod-db-read:Approvers: 4 approval(s) are required, each by a different person, but the entries name only 3 approver(s)")]
    [InlineData("platform", "Roles:prod-db-read:Approvers: \"teams:x\" is not a person under People")]
    [InlineData("slack-empty", "Roles:prod-db-read:Approvers: \"slack:\" names no group id")]
    [InlineData("timeout", "Roles:prod-db-read:PendingTimeout: must be a positive time span")]
    [InlineData("reminder", "Roles:prod-db-read:ReminderAfter: must be positive and shorter than PendingTimeout")]
    [InlineData("escalate-late", "Roles:prod-db-read:EscalateAfter: must be positive and shorter than PendingTimeout")]
    [InlineData("escalate-nobody", "Roles:prod-db-read:EscalateTo: name who a waiting request is escalated to")]
    [InlineData("escalate-unknown", "Roles:prod-db-read:EscalateTo: \"group:leads\" names no group under Groups")]
    public void BadGroups_StopStartUp_NamingTheKey(string fault, string expected)
    {
        var settings = WithGroups();
        switch (fault)
        {
            case "unknown-person": settings["Groups:dba:2"] = "mallory"; break;
            case "unknown-group": settings["Roles:prod-db-read:Approvers:2"] = "group:nobody"; break;
            case "unknown-requester-group": settings["Roles:prod-db-read:Requesters:1"] = "group:nobody"; break;
            case "cycle": settings["Groups:dba:2"] = "group:engineers"; break;
            case "self": settings["Groups:dba:2"] = "group:dba"; break;
            case "empty": settings["Groups:sre"] = string.Empty; break;
            case "too-few": settings["Roles:prod-db-read:RequiredApprovals"] = "4"; break;
            case "platform": settings["Roles:prod-db-read:Approvers:2"] = "teams:x"; break;
            case "slack-empty": settings["Roles:prod-db-read:Approvers:2"] = "slack:"; break;
            case "timeout": settings["Roles:prod-db-read:PendingTimeout"] = "00:00:00"; break;
            case "reminder": settings["Roles:prod-db-read:ReminderAfter"] = "01:00:00"; break;
            case "escalate-late": settings["Roles:prod-db-read:EscalateAfter"] = "02:00:00"; settings["Roles:prod-db-read:EscalateTo:0"] = "frank"; break;
            case "escalate-nobody": settings["Roles:prod-db-read:EscalateAfter"] = "00:30:00"; break;
            case "escalate-unknown": settings["Roles:prod-db-read:EscalateTo:0"] = "group:leads"; break;
        }

        var errors = Registered.Access(settings).Validate(Registered.Defaults);
        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }
}
