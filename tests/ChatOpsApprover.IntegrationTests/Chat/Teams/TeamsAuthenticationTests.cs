using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ChatOpsApprover.Chat.Teams;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Chat.Teams;

/// <summary>
/// Every activity on /api/messages must carry a Bot Connector token that passes every check; anything else is 401
/// and changes nothing. The tokens come from a local issuer with its own RSA keys, JWKS and OpenID metadata.
/// </summary>
public sealed class TeamsAuthenticationTests
{
    public enum Forgery
    {
        NoToken,
        NotAJwt,
        ForgedSignature,
        UnknownKey,
        WrongIssuer,
        WrongAudience,
        Expired,
        NotYetValid,
        MissingServiceUrl,
        MismatchedServiceUrl,
        KeyNotEndorsedForTeams,
        ActivityNotFromTeams,
        ActivityServiceUrlSwapped,
    }

    [Theory]
    [InlineData(Forgery.NoToken)]
    [InlineData(Forgery.NotAJwt)]
    [InlineData(Forgery.ForgedSignature)]
    [InlineData(Forgery.UnknownKey)]
    [InlineData(Forgery.WrongIssuer)]
    [InlineData(Forgery.WrongAudience)]
    [InlineData(Forgery.Expired)]
    [InlineData(Forgery.NotYetValid)]
    [InlineData(Forgery.MissingServiceUrl)]
    [InlineData(Forgery.MismatchedServiceUrl)]
    [InlineData(Forgery.KeyNotEndorsedForTeams)]
    [InlineData(Forgery.ActivityNotFromTeams)]
    [InlineData(Forgery.ActivityServiceUrlSwapped)]
    public async Task ForgedOrInvalidToken_Is401_AndChangesNothing(Forgery forgery)
    {
        await using var bot = await BotHost.StartAsync();
        var activity = bot.TeamsMessage(TeamsIds.Alice, "jit request prod-db-read 1h incident");
        var now = bot.Time.GetUtcNow();
        var serviceUrl = bot.Teams.ServiceUrl.ToString();
        string? token = forgery switch
        {
            Forgery.NoToken => null,
            Forgery.NotAJwt => "not-a-jwt",
            Forgery.ForgedSignature => bot.Teams.MintToken(now, serviceUrl, key: FakeTeamsServer.UnpublishedKey(FakeTeamsServer.CurrentKeyId)),
            Forgery.UnknownKey => bot.Teams.MintToken(now, serviceUrl, key: FakeTeamsServer.UnpublishedKey("key-nobody-published")),
            Forgery.WrongIssuer => bot.Teams.MintToken(now, serviceUrl, issuer: "https://sts.windows.net/7e7e7e7e-0000-4000-8000-000000000001/"),
            Forgery.WrongAudience => bot.Teams.MintToken(now, serviceUrl, audience: "99999999-0000-4000-8000-000000000000"),
            // Ended 6 minutes ago: past the 5 minutes of allowed clock skew.
            Forgery.Expired => bot.Teams.MintToken(now - TimeSpan.FromMinutes(65), serviceUrl, lifetime: TimeSpan.FromHours(1)),
            Forgery.NotYetValid => bot.Teams.MintToken(now + TimeSpan.FromMinutes(7), serviceUrl),
            Forgery.MissingServiceUrl => bot.Teams.MintToken(now, serviceUrl: null),
            Forgery.MismatchedServiceUrl => bot.Teams.MintToken(now, "https://smba.trafficmanager.net/emea/"),
            Forgery.KeyNotEndorsedForTeams => bot.Teams.MintToken(now, serviceUrl, key: bot.Teams.PublishKey("key-webchat-only", "webchat")),
            _ => bot.Teams.MintToken(now, serviceUrl),
        };
        if (forgery == Forgery.ActivityNotFromTeams)
        {
            activity["channelId"] = "webchat";
        }
        else if (forgery == Forgery.ActivityServiceUrlSwapped)
        {
            // A token for the real connector, replayed with an activity that would make the bot reply elsewhere.
            token = bot.Teams.MintToken(now, serviceUrl);
            activity["serviceUrl"] = "https://attacker.example/";
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await bot.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await AssertNothingChangedAsync(bot);
    }

    [Fact]
    public async Task ExpiredWithinTheAllowedClockSkew_IsAccepted()
    {
        await using var bot = await BotHost.StartAsync();
        var activity = bot.TeamsMessage(TeamsIds.Alice, "jit list");
        // Ended 4 minutes ago: inside the 5 minutes of skew.
        var token = bot.Teams.MintToken(bot.Time.GetUtcNow() - TimeSpan.FromMinutes(63), bot.Teams.ServiceUrl.ToString(), lifetime: TimeSpan.FromHours(1));
        using var response = await bot.PostTeamsAsync(activity, token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(bot.Teams.CallsTo("reply"));
    }

    [Fact]
    public async Task KeyRotation_UnknownKeyRefreshesTheKeySet_AtMostOncePerInterval_AndTheNewKeyIsAccepted()
    {
        await using var bot = await BotHost.StartAsync();
        Assert.Contains("no pending or active", await bot.TeamsCommandAsync(TeamsIds.Alice, "jit list"), StringComparison.Ordinal);
        Assert.Equal(1, bot.Teams.KeySetFetches);

        // Some time later, a token naming a key nobody published makes the bot look again, once…
        bot.Time.Advance(BotFrameworkSigningKeys.MinimumRefreshInterval);
        var serviceUrl = bot.Teams.ServiceUrl.ToString();
        var next = FakeTeamsServer.UnpublishedKey("key-next");
        using (var first = await bot.PostTeamsAsync(bot.TeamsMessage(TeamsIds.Alice, "jit list"), bot.Teams.MintToken(bot.Time.GetUtcNow(), serviceUrl, key: next)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        }

        Assert.Equal(2, bot.Teams.KeySetFetches);

        // …and not again within the minimum interval, however many such tokens arrive.
        for (var i = 0; i < 3; i++)
        {
            using var again = await bot.PostTeamsAsync(bot.TeamsMessage(TeamsIds.Alice, "jit list"), bot.Teams.MintToken(bot.Time.GetUtcNow(), serviceUrl, key: FakeTeamsServer.UnpublishedKey($"key-made-up-{i}")));
            Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        }

        Assert.Equal(2, bot.Teams.KeySetFetches);

        // The issuer rotates to a new key; once the interval has passed, the bot fetches it and accepts its tokens.
        var rotated = bot.Teams.PublishKey("key-rotated", "msteams");
        bot.Time.Advance(BotFrameworkSigningKeys.MinimumRefreshInterval);
        using var accepted = await bot.PostTeamsAsync(bot.TeamsMessage(TeamsIds.Alice, "jit list"), bot.Teams.MintToken(bot.Time.GetUtcNow(), serviceUrl, key: rotated));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(3, bot.Teams.KeySetFetches);
    }

    [Fact]
    public async Task KeySet_IsRefreshedDaily()
    {
        await using var bot = await BotHost.StartAsync();
        await bot.TeamsCommandAsync(TeamsIds.Alice, "jit list");
        bot.Time.Advance(TimeSpan.FromHours(23));
        await bot.TeamsCommandAsync(TeamsIds.Alice, "jit list");
        Assert.Equal(1, bot.Teams.KeySetFetches);
        bot.Time.Advance(TimeSpan.FromHours(1));
        await bot.TeamsCommandAsync(TeamsIds.Alice, "jit list");
        Assert.Equal(2, bot.Teams.KeySetFetches);
    }

    [Fact]
    public async Task ForgedSignatureWithAKnownKeyId_DoesNotRefreshTheKeySet()
    {
        await using var bot = await BotHost.StartAsync();
        await bot.TeamsCommandAsync(TeamsIds.Alice, "jit list");
        var forged = bot.Teams.MintToken(bot.Time.GetUtcNow(), bot.Teams.ServiceUrl.ToString(), key: FakeTeamsServer.UnpublishedKey(FakeTeamsServer.CurrentKeyId));
        using var response = await bot.PostTeamsAsync(bot.TeamsMessage(TeamsIds.Alice, "jit list"), forged);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(1, bot.Teams.KeySetFetches);
    }

    [Fact]
    public async Task WithoutAnAppId_TeamsIsOff_EverythingIs401_AndNothingIsPostedToTeams()
    {
        await using var bot = await BotHost.StartAsync(s => s["Teams:AppId"] = string.Empty);
        using var response = await bot.PostTeamsAsync(bot.TeamsMessage(TeamsIds.Alice, "jit request prod-db-read 1h incident"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await AssertNothingChangedAsync(bot);

        // A request made on Slack gets its Slack card, and Teams hears nothing of it.
        var id = await bot.RequestAccessAsync();
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postMessage").Any(c => c.Body["channel"]?.GetValue<string>() == BotHost.ApprovalChannel), "the Slack card");
        await bot.ClickApproveAsync("U0BOB", id);
        await bot.WaitForStatusAsync(id, ChatOpsApprover.Domain.RequestStatus.Active);
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postMessage").Any(c => c.Text.Contains("is active until", StringComparison.Ordinal)), "the Slack DM");
        Assert.Empty(bot.Teams.Calls);
        Assert.Empty(bot.Teams.TokenRequests);
    }

    [Fact]
    public async Task SingleTenantBot_IgnoresActivitiesFromAnotherTenant()
    {
        await using var bot = await BotHost.StartAsync();
        var activity = bot.TeamsMessage(TeamsIds.Alice, "jit request prod-db-read 1h incident");
        activity["conversation"]!["tenantId"] = "0f0f0f0f-0000-4000-8000-00000000000f";
        activity["channelData"]!["tenant"]!["id"] = "0f0f0f0f-0000-4000-8000-00000000000f";
        using var response = await bot.PostTeamsAsync(activity);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await AssertNothingChangedAsync(bot);
    }

    [Fact]
    public async Task MultiTenantBot_AcceptsAnyTenant_AndGetsItsTokensFromTheBotFrameworkTenant()
    {
        await using var bot = await BotHost.StartAsync(s =>
        {
            s["Teams:TenantId"] = string.Empty;
            s["Teams:TokenEndpoint"] = s["Teams:TokenEndpoint"]!.Replace(FakeTeamsServer.TenantId, "botframework.com", StringComparison.Ordinal);
        });
        var otherTenant = "0f0f0f0f-0000-4000-8000-00000000000f";
        var activity = bot.TeamsMessage(TeamsIds.Alice, "jit list");
        activity["conversation"]!["tenantId"] = otherTenant;
        activity["channelData"]!["tenant"]!["id"] = otherTenant;
        using var response = await bot.PostTeamsAsync(activity);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("no pending or active", bot.Teams.CallsTo("reply").Single().Text, StringComparison.Ordinal);
        Assert.Equal(new[] { "botframework.com" }, bot.Teams.TokenRequests);
    }

    [Fact]
    public async Task MalformedActivity_WithAValidToken_Is400()
    {
        await using var bot = await BotHost.StartAsync();
        var activity = new JsonObject { ["serviceUrl"] = bot.Teams.ServiceUrl.ToString(), ["channelId"] = "msteams" };
        using var response = await bot.PostTeamsAsync(activity);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(await response.Content.ReadAsStringAsync()));
        await AssertNothingChangedAsync(bot);
    }

    [Fact]
    public async Task OversizedActivity_WithAValidToken_Is413_AndChangesNothing()
    {
        await using var bot = await BotHost.StartAsync();
        using var response = await bot.PostTeamsAsync(bot.TeamsMessage(TeamsIds.Alice, "jit request prod-db-read 1h " + new string('x', 300_000)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertNothingChangedAsync(bot);
    }

    [Fact]
    public async Task InvokeOtherThanACardAction_GetsAnInvokeError_AndDecidesNothing()
    {
        await using var bot = await BotHost.StartAsync();
        var id = await bot.TeamsRequestAccessAsync();
        var invoke = bot.TeamsCardAction(TeamsIds.Bob, id, TeamsApprovalCard.ApproveVerb);
        invoke["name"] = "composeExtension/query";
        using var response = await bot.PostTeamsAsync(invoke);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(400, body["statusCode"]!.GetValue<int>());
        Assert.Equal("application/vnd.microsoft.error", body["type"]!.GetValue<string>());
        Assert.Equal("BadRequest", body["value"]!["code"]!.GetValue<string>());
        Assert.Equal(ChatOpsApprover.Domain.RequestStatus.Pending, (await bot.RequestAsync(id)).Status);
        Assert.Empty((await bot.RequestAsync(id)).Decisions);
    }

    private static async Task AssertNothingChangedAsync(BotHost bot)
    {
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.access_requests"));
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.audit_log"));
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.teams_users"));
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.teams_inbound_activities"));
        Assert.Empty(bot.Teams.Calls);
    }
}
