using ChatOpsApprover.Sandbox;

namespace ChatOpsApprover.Tests.Sandbox;

public sealed class SandboxOptionsTests
{
    [Theory]
    [InlineData(null, false, SandboxReach.LoopbackOnly)]
    [InlineData("", false, SandboxReach.LoopbackOnly)]
    [InlineData(null, true, SandboxReach.Off)]
    [InlineData("true", false, SandboxReach.Anywhere)]
    [InlineData("True", false, SandboxReach.Anywhere)]
    [InlineData("false", false, SandboxReach.Off)]
    [InlineData("false", true, SandboxReach.Off)]
    public void TheSandbox_RunsWithoutAChatApp_OnLoopback_UnlessEnabledSaysOtherwise(string? enabled, bool chatApp, SandboxReach expected)
    {
        var (reach, problem) = new SandboxOptions { Enabled = enabled }.Decide(chatApp);
        Assert.Equal(expected, reach);
        Assert.Null(problem);
    }

    [Fact]
    public void EnabledBesideARealChatApp_IsAnError_NamingTheKey()
    {
        var (reach, problem) = new SandboxOptions { Enabled = "true" }.Decide(chatAppConfigured: true);
        Assert.Equal(SandboxReach.Off, reach);
        Assert.StartsWith("Sandbox:Enabled: ", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEnabledValueThatIsNotABoolean_IsAnError_NamingTheKey()
    {
        var (reach, problem) = new SandboxOptions { Enabled = "yes" }.Decide(chatAppConfigured: false);
        Assert.Equal(SandboxReach.Off, reach);
        Assert.StartsWith("Sandbox:Enabled: \"yes\" is not true or false", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void UserGroups_NameSlackGroupsOfPeopleWithSlackIds()
    {
        var access = Registered.Access(Registered.ExampleSettings());
        var options = new SandboxOptions
        {
            UserGroups = new() { ["S0DBAS"] = ["bob", "alice"], ["dbas"] = ["bob"], ["S0X"] = ["nobody"] },
        };

        Assert.Equal(
            [
                "Sandbox:UserGroups:dbas: a Slack user group id starts with S, e.g. S0DBAS.",
                "Sandbox:UserGroups:S0X: \"nobody\" is not a person under People with a Slack id.",
            ],
            options.ValidateUserGroups(access));
    }
}
