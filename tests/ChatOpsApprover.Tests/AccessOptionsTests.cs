using ChatOpsApprover.Configuration;

namespace ChatOpsApprover.Tests;

public sealed class AccessOptionsTests
{
    private static AccessOptions Valid() => new()
    {
        People =
        {
            ["alice"] = new PersonOptions { Slack = "U0ALICE", Logins = { ["prod-db"] = "alice" } },
            ["bob"] = new PersonOptions { Slack = "U0BOB" },
        },
        Targets = { ["prod-db"] = new TargetOptions { Type = "postgres", ConnectionString = "Host=x" } },
        Roles =
        {
            ["prod-db-read"] = new RoleOptions { Target = "prod-db", Grant = "prod_read", MaxDuration = TimeSpan.FromHours(4), Approvers = ["bob"], SlackChannel = "C1" },
        },
    };

    [Fact]
    public void TheIssuesExampleShape_IsValid() => Assert.Empty(Valid().Validate());

    [Theory]
    [InlineData("target", "Roles:prod-db-read:Target")]
    [InlineData("approver", "Roles:prod-db-read:Approvers")]
    [InlineData("duration", "Roles:prod-db-read:MaxDuration")]
    [InlineData("channel", "Roles:prod-db-read: name where approval cards go")]
    [InlineData("login", "People:alice:Logins:nowhere")]
    [InlineData("type", "Targets:prod-db:Type")]
    [InlineData("identity", "People:bob: give at least one chat identity")]
    [InlineData("approvals", "Roles:prod-db-read:Approvers: 2 approval(s) are required")]
    public void BadConfiguration_IsRefused_NamingTheKey(string fault, string expected)
    {
        var options = Valid();
        var role = options.Roles["prod-db-read"];
        switch (fault)
        {
            case "target": role.Target = "nope"; break;
            case "approver": role.Approvers = ["mallory"]; break;
            case "duration": role.MaxDuration = TimeSpan.Zero; break;
            case "channel": role.SlackChannel = null; break;
            case "login": options.People["alice"].Logins["nowhere"] = "alice"; break;
            case "type": options.Targets["prod-db"].Type = "ldap"; break;
            case "identity": options.People["bob"].Slack = null; break;
            case "approvals": role.RequiredApprovals = 2; break;
        }

        Assert.Contains(options.Validate(), e => e.StartsWith(expected, StringComparison.Ordinal));
    }
}
