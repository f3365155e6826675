using ChatOpsApprover.Chat.Cards;
using ChatOpsApprover.Chat.Teams;
using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Tests.Chat.Teams;

public sealed class TeamsAdapterTests
{
    [Theory]
    [InlineData("jit list", "list")]
    [InlineData("JIT request prod-db-read 2h fix it", "request prod-db-read 2h fix it")]
    [InlineData("<at>JIT</at> jit list", "list")]
    [InlineData("<at>JIT Bot</at>&nbsp;jit&nbsp;roles", "roles")]
    [InlineData("jit request r 1h a &amp; b", "request r 1h a & b")]
    [InlineData("list", "list")]
    [InlineData("<at>JIT</at>", "")]
    [InlineData("jit", "")]
    [InlineData("jitter", "jitter")]
    [InlineData(null, "")]
    public void CommandText_StripsMentionsAndTheJitPrefix(string? text, string expected) =>
        Assert.Equal(expected, TeamsText.CommandText(text));

    [Fact]
    public void Options_WithoutAnAppId_AreValid_AndInactive()
    {
        var options = new TeamsOptions();
        Assert.False(options.IsConfigured);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Options_TokenEndpoint_IsDerivedFromTheTenant()
    {
        var multi = new TeamsOptions { AppId = Guid.NewGuid().ToString(), AppPassword = "x" };
        Assert.Equal("https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token", multi.EffectiveTokenEndpoint.ToString());
        Assert.Equal("https://login.microsoftonline.com/botframework.com", multi.Authority.ToString().TrimEnd('/'));
        Assert.Null(multi.DefaultTenant);

        var tenant = Guid.NewGuid().ToString();
        var single = new TeamsOptions { AppId = Guid.NewGuid().ToString(), AppPassword = "x", TenantId = tenant };
        Assert.Equal($"https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token", single.EffectiveTokenEndpoint.ToString());
        Assert.Equal(tenant, single.DefaultTenant);
        Assert.Empty(single.Validate());
    }

    [Fact]
    public void Options_Errors_NameTheKey()
    {
        var options = new TeamsOptions
        {
            AppId = "not-a-guid",
            TenantId = "contoso",
            ServiceUrl = new Uri("http://connector.example/"),
            OpenIdMetadataUrl = new Uri("http://login.example/metadata"),
            TokenEndpoint = "https://login.example/token",
            Scope = " ",
        };
        var errors = options.Validate();
        foreach (var key in new[] { "Teams:AppId", "Teams:AppPassword", "Teams:TenantId", "Teams:ServiceUrl", "Teams:OpenIdMetadataUrl", "Teams:TokenEndpoint", "Teams:Scope" })
        {
            Assert.Contains(errors, e => e.StartsWith(key + ":", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Options_AcceptPlainHttp_OnlyOnLoopback()
    {
        Assert.True(TeamsOptions.IsAllowedUrl(new Uri("http://127.0.0.1:5000/connector/")));
        Assert.True(TeamsOptions.IsAllowedUrl(new Uri("https://smba.trafficmanager.net/teams/")));
        Assert.False(TeamsOptions.IsAllowedUrl(new Uri("http://smba.trafficmanager.net/teams/")));
    }

    [Fact]
    public void Card_ShowsButtonsOnlyWhilePending_AndKeepsUserTextInTextRuns()
    {
        var role = new RoleDefinition("prod-db-read", "Read", "prod-db", "prod_read", TimeSpan.FromHours(4), ["bob"], 1, false, new Dictionary<ChatPlatform, string> { [TeamsChat.Key] = "19:x@thread.tacv2" });
        var pending = new AccessRequest(7, "alice", "prod-db-read", "prod-db", "prod_read", "alice", TimeSpan.FromHours(2), "[x](https://evil.example) <at>bob</at>",
            RequestStatus.Pending, TeamsChat.Key, DateTimeOffset.UnixEpoch, [], null, null, null, null, null);
        var card = TeamsApprovalCard.Render(ApprovalCardBuilder.Build(pending, role));
        Assert.Equal("1.5", card["version"]!.GetValue<string>());
        Assert.Equal(2, card["actions"]!.AsArray().Count);
        var text = card["body"]!.AsArray().Where(b => !b!["type"]!.GetValue<string>().StartsWith("Input.", StringComparison.Ordinal)).ToList();
        var reasonRun = text.SelectMany(b => b!["inlines"]!.AsArray()).Single(r => r!["text"]!.GetValue<string>().Contains("evil", StringComparison.Ordinal))!;
        Assert.Equal("TextRun", reasonRun["type"]!.GetValue<string>());
        Assert.All(text, b => Assert.Equal("RichTextBlock", b!["type"]!.GetValue<string>()));

        // Besides the text, the denial's reason input (and the approve-for-less choice), only while pending.
        Assert.Equal("reason", card["body"]!.AsArray().Single(b => b!["type"]!.GetValue<string>() == "Input.Text")!["id"]!.GetValue<string>());

        var denied = pending with { Status = RequestStatus.Denied, Decisions = [new Decision("bob", false, DateTimeOffset.UnixEpoch, TeamsChat.Key)] };
        var after = TeamsApprovalCard.Render(ApprovalCardBuilder.Build(denied, role, notice: "You denied #7."));
        Assert.Null(after["actions"]);
        Assert.DoesNotContain("Input.Text", after.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("Denied by bob", after.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("You denied #7.", after.ToJsonString(), StringComparison.Ordinal);
    }
}
