using ChatOpsApprover.Chat.Slack;

namespace ChatOpsApprover.Tests.Chat.Slack;

public sealed class SlackOptionsTests
{
    [Theory]
    [InlineData("")]
    [InlineData("xapp-1-A0APP-1-abc")]
    public void AnAppLevelTokenOrNone_IsAccepted(string appToken) =>
        Assert.Empty(new SlackOptions { AppToken = appToken }.Validate());

    [Theory]
    [InlineData("xoxb-123-456")]
    [InlineData("app-token")]
    public void AnyOtherAppToken_IsRefused_NamingTheKeyAndWhereTheRightOneIs(string appToken)
    {
        var error = Assert.Single(new SlackOptions { AppToken = appToken }.Validate());
        Assert.StartsWith("Slack:AppToken: must be an app-level token starting with xapp-", error, StringComparison.Ordinal);
        Assert.Contains("connections:write", error, StringComparison.Ordinal);
    }
}
