using ChatOpsApprover.Chat.Slack;
using ChatOpsApprover.Chat.Teams;
using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Tests.Configuration;

public sealed class AccessOptionsTests
{
    [Fact]
    public void TheIssuesExampleShape_IsValid() => Assert.Empty(Registered.Access(Registered.ExampleSettings()).Validate(Registered.Defaults));

    [Theory]
    [InlineData("target", "Roles:prod-db-read:Target")]
    [InlineData("approver", "Roles:prod-db-read:Approvers")]
    [InlineData("duration", "Roles:prod-db-read:MaxDuration")]
    [InlineData("channel", "Roles:prod-db-read: name where approval cards go")]
    [InlineData("login", "People:alice:Logins:nowhere")]
    [InlineData("type", "Targets:prod-db:Type")]
    [InlineData("identity", "People:bob: give at least one chat identity")]
    [InlineData("approvals", "Roles:prod-db-read:Approvers: 2 approval(s) are required")]
    [InlineData("connection", "Targets:prod-db:ConnectionString: it cannot be read")]
    [InlineData("no-connection", "Targets:prod-db:ConnectionString: give the target's connection string")]
    [InlineData("teams-id", "People:bob:Teams: \"29:1bob\" is not an Entra object id")]
    [InlineData("extend-total", "Roles:prod-db-read:Extend:MaxTotal: must be at least the role's MaxDuration")]
    public void BadConfiguration_IsRefused_NamingTheKey(string fault, string expected)
    {
        var settings = Registered.ExampleSettings();
        switch (fault)
        {
            case "target": settings["Roles:prod-db-read:Target"] = "nope"; break;
            case "approver": settings["Roles:prod-db-read:Approvers:0"] = "mallory"; break;
            case "duration": settings["Roles:prod-db-read:MaxDuration"] = "00:00:00"; break;
            case "channel": settings.Remove("Roles:prod-db-read:SlackChannel"); break;
            case "login": settings["People:alice:Logins:nowhere"] = "alice"; break;
            case "type": settings["Targets:prod-db:Type"] = "ldap"; break;
            case "identity": settings["People:bob:Slack"] = ""; break;
            case "approvals": settings["Roles:prod-db-read:RequiredApprovals"] = "2"; break;
            case "connection": settings["Targets:prod-db:ConnectionString"] = "Host=x;Colour=blue"; break;
            case "no-connection": settings.Remove("Targets:prod-db:ConnectionString"); break;
            case "teams-id": settings["People:bob:Teams"] = "29:1bob"; break;
            case "extend-total": settings["Roles:prod-db-read:Extend:MaxTotal"] = "00:10:00"; break;
        }

        Assert.Contains(Registered.Access(settings).Validate(Registered.Defaults), e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Extend_DefaultsToTheRolesMaxDuration_AndToNeedingApproval()
    {
        var settings = Registered.ExampleSettings();
        Assert.Null(Registered.Access(settings).ToDirectory(Registered.Defaults).FindRole("prod-db-read")!.Extend);

        settings["Roles:prod-db-read:Extend:RequiresApproval"] = "true";
        var role = Registered.Access(settings).ToDirectory(Registered.Defaults).FindRole("prod-db-read")!;
        Assert.Equal(new ExtensionPolicy(role.MaxDuration, RequiresApproval: true), role.Extend);

        settings["Roles:prod-db-read:Extend:MaxTotal"] = "08:00:00";
        settings["Roles:prod-db-read:Extend:RequiresApproval"] = "false";
        Assert.Empty(Registered.Access(settings).Validate(Registered.Defaults));
        Assert.Equal(new ExtensionPolicy(TimeSpan.FromHours(8), RequiresApproval: false), Registered.Access(settings).ToDirectory(Registered.Defaults).FindRole("prod-db-read")!.Extend);
    }

    [Fact]
    public void Messages_NameTheKeysOfEveryRegisteredPlatform_AndTargetType()
    {
        var settings = Registered.ExampleSettings();
        settings["People:bob:Slack"] = " ";
        settings.Remove("Roles:prod-db-read:SlackChannel");
        settings["Targets:prod-db:Type"] = "ldap";
        var errors = Registered.Access(settings).Validate(Registered.Defaults);
        Assert.Contains("People:bob: give at least one chat identity (People:bob:Slack or People:bob:Teams).", errors);
        Assert.Contains("Roles:prod-db-read: name where approval cards go (SlackChannel or TeamsChannel).", errors);
        Assert.Contains("Targets:prod-db:Type: \"ldap\" is not a known target type; use \"postgres\".", errors);
    }

    [Fact]
    public void ChatIdentities_AndApprovalChannels_AreReadUnderEachPlatformsKeys()
    {
        var settings = Registered.ExampleSettings();
        settings["People:bob:Teams"] = "BBBBBBBB-0000-4000-8000-000000000002";
        settings["Roles:prod-db-read:TeamsChannel"] = "19:approvals@thread.tacv2";
        var access = Registered.Access(settings);
        Assert.Empty(access.Validate(Registered.Defaults));

        var directory = access.ToDirectory(Registered.Defaults);
        var bob = directory.FindPerson("bob")!;
        Assert.Equal("U0BOB", bob.IdentityOn(SlackChat.Key));
        Assert.Equal("BBBBBBBB-0000-4000-8000-000000000002", bob.IdentityOn(TeamsChat.Key));
        Assert.Null(directory.FindPerson("alice")!.IdentityOn(TeamsChat.Key));
        var role = directory.FindRole("prod-db-read")!;
        Assert.Equal("C1", role.ApprovalChannelOn(SlackChat.Key));
        Assert.Equal("19:approvals@thread.tacv2", role.ApprovalChannelOn(TeamsChat.Key));
    }

    [Fact]
    public void ChatUsers_CompareAsTheirPlatformSays_AndSlackMentionsNameAPerson()
    {
        var settings = Registered.ExampleSettings();
        settings["People:bob:Teams"] = "bbbbbbbb-0000-4000-8000-000000000002";
        var directory = Registered.Access(settings).ToDirectory(Registered.Defaults);

        // Entra object ids are GUIDs, whatever their case; Slack ids are exact.
        Assert.Equal("bob", directory.FindByChatUser(new(TeamsChat.Key, "BBBBBBBB-0000-4000-8000-000000000002"))?.Id);
        Assert.Equal("bob", directory.FindByChatUser(new(SlackChat.Key, "U0BOB"))?.Id);
        Assert.Null(directory.FindByChatUser(new(SlackChat.Key, "u0bob")));
        Assert.Null(directory.FindByChatUser(new(ChatOpsApprover.Domain.ChatPlatform.Web, "U0BOB")));

        Assert.Equal("bob", directory.FindByMention("<@U0BOB>")?.Id);
        Assert.Equal("alice", directory.FindByMention("<@U0ALICE|alice>")?.Id);
        Assert.Null(directory.FindByMention("<@U0NOBODY>"));
        Assert.Null(directory.FindByMention("bob"));
    }
}
