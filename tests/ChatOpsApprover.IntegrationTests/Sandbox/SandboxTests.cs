using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ChatOpsApprover.Chat.Slack;
using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;
using ChatOpsApprover.Sandbox;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.IntegrationTests.Sandbox;

/// <summary>When the sandbox runs, who may reach it, and the story through it over plain HTTP (the browser test plays it in Chromium).</summary>
public sealed partial class SandboxTests
{
    private static async Task<HttpStatusCode> StatusAsync(BotHost bot, string path, Action<HttpRequestMessage>? change = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        change?.Invoke(request);
        using var response = await bot.Http.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task WithASlackBotToken_TheSandboxIsOff_AndSlackIsTheConfiguredOne()
    {
        await using var bot = await BotHost.StartAsync(s => s["Teams:AppId"] = string.Empty);

        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(bot, "/sandbox"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(bot, "/sandbox/api/users.info?user=U0ALICE"));
        Assert.Null(bot.App.Services.GetService(typeof(SandboxSettings)));
        var slack = bot.Service<IOptions<SlackOptions>>().Value;
        Assert.Equal(BotHost.BotToken, slack.BotToken);
        Assert.Equal(bot.Slack.ApiBaseUrl, slack.ApiBaseUrl);
        Assert.Contains("Request #", await bot.CommandAsync("U0ALICE", "request prod-db-read 1h check"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithATeamsApp_TheSandboxIsOff()
    {
        await using var bot = await BotHost.StartAsync(s => s["Slack:BotToken"] = string.Empty);

        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(bot, "/sandbox"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(bot, "/sandbox/sandbox.js"));
    }

    [Fact]
    public async Task WithoutAChatApp_TheSandboxAnswersThisMachineOnly()
    {
        await using var bot = await SandboxHost.StartAsync(enabled: null, logLevel: LogLevel.Information);

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(bot, "/sandbox"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(bot, "/sandbox", r => r.Headers.Host = $"localhost:{bot.Http.BaseAddress!.Port}"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(bot, "/sandbox", r => r.Headers.Add(SandboxHost.RemoteAddressHeader, "203.0.113.7")));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(bot, "/sandbox/api/users.info?user=U0ALICE", r => r.Headers.Add(SandboxHost.RemoteAddressHeader, "203.0.113.7")));

        // A proxy on this machine would make everyone look local; a page elsewhere reaching it through DNS rebinding names its own host.
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(bot, "/sandbox", r => r.Headers.Add("X-Forwarded-For", "203.0.113.7")));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(bot, "/sandbox", r => r.Headers.Add("Forwarded", "for=203.0.113.7")));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(bot, "/sandbox", r => r.Headers.Host = "attacker.example"));

        // The bot's Slack settings point at the sandbox: its Web API on the listening address, a secret and token of this run.
        var settings = bot.Settings();
        var slack = bot.Service<IOptions<SlackOptions>>().Value;
        Assert.Equal(new Uri(bot.Http.BaseAddress!, "sandbox/api/"), slack.ApiBaseUrl);
        Assert.Equal(settings.BotToken, slack.BotToken);
        Assert.Equal(settings.SigningSecret, slack.SigningSecret);
        Assert.NotEqual(BotHost.SigningSecret, slack.SigningSecret);
        Assert.StartsWith("xoxb-", slack.BotToken, StringComparison.Ordinal);
        Assert.Contains($"Sandbox: open {bot.Http.BaseAddress}sandbox", bot.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain(settings.SigningSecret, bot.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain(settings.BotToken, bot.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnabledFalse_TurnsItOff_EnabledTrue_OpensItToEveryAddress()
    {
        await using (var off = await SandboxHost.StartAsync(enabled: "false"))
        {
            Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(off, "/sandbox"));
        }

        await using var on = await SandboxHost.StartAsync(enabled: "true");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(on, "/sandbox", r => r.Headers.Add(SandboxHost.RemoteAddressHeader, "203.0.113.7")));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(on, "/sandbox", r => r.Headers.Add("X-Forwarded-For", "203.0.113.7")));
    }

    [Fact]
    public async Task EnabledBesideASlackBotToken_StopsStartUp_NamingTheKey()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => BotHost.StartAsync(s => s["Sandbox:Enabled"] = "true"));
        Assert.Contains("Sandbox:Enabled: the sandbox plays Slack itself", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThePage_IsStrict_AndServesItsOwnScript()
    {
        await using var bot = await SandboxHost.StartAsync(enabled: null);

        using var page = await bot.Http.GetAsync("/sandbox?as=bob");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("no-store", page.Headers.CacheControl!.ToString());
        Assert.Contains("<script src=\"/sandbox/sandbox.js\" defer></script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("style=", html, StringComparison.Ordinal);
        Assert.Contains("<option value=\"bob\" selected>bob (U0BOB)</option>", html, StringComparison.Ordinal);

        using var script = await bot.Http.GetAsync("/sandbox/sandbox.js");
        Assert.Equal("text/javascript", script.Content.Headers.ContentType!.MediaType);
        Assert.Contains("new EventSource('/sandbox/events')", await script.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The live updates: an event arrives when something changes.
        using var events = await bot.Http.GetAsync("/sandbox/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", events.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync());
        Assert.Equal("retry: 1000", await reader.ReadLineAsync());
        bot.Workspace().Notice("U0BOB", "hello");
        Assert.Equal(string.Empty, await reader.ReadLineAsync());
        Assert.Equal("event: change", await reader.ReadLineAsync());
    }

    [Fact]
    public async Task AFormFromElsewhere_IsRefused_AndChangesNothing()
    {
        await using var bot = await SandboxHost.StartAsync();
        using var visitor = new SandboxVisitor(bot);
        var version = bot.Workspace().Version;

        var forged = await visitor.PostAsync("sandbox/type", new Dictionary<string, string> { ["as"] = "alice", ["channel"] = SandboxSettings.RequestsChannel, ["text"] = "/jit request prod-db-read 1h x" });

        Assert.Equal(HttpStatusCode.BadRequest, forged.Status);
        Assert.Equal(version, bot.Workspace().Version);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.access_requests"));
    }

    [Fact]
    public async Task TheStory_OverHttp_RequestCardApproveGrantRevoke_ThroughTheBotsRealSlackEndpoints()
    {
        await using var bot = await SandboxHost.StartAsync();
        using var visitor = new SandboxVisitor(bot);

        await visitor.TypeAsync("alice", "/jit request prod-db-read 2h fix INC-1234");
        var ephemeral = await Wait.UntilAsync(async () => RequestPattern().Match(await visitor.PanesAsync("alice")) is { Success: true } m ? m : null, "alice's ephemeral answer");
        var id = long.Parse(ephemeral.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

        // Only alice sees her answer; everyone sees the card in #approvals.
        Assert.DoesNotContain($"Request #{id}", await visitor.PanesAsync("bob"), StringComparison.Ordinal);
        await Wait.UntilAsync(async () => (await visitor.PanesAsync("bob")).Contains($"Access request #{id}: prod-db-read", StringComparison.Ordinal), "the card in #approvals");

        Assert.Equal(HttpStatusCode.Redirect, (await visitor.ClickAsync("bob", $"Access request #{id}", "Approve")).Status);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        Assert.True(await bot.HasRoleAsync(bot.LoginOf("alice")));
        await Wait.UntilAsync(async () => (await visitor.PanesAsync("alice")).Contains($"<li data-login=\"{bot.LoginOf("alice")}\"><code>{bot.LoginOf("alice")}</code> (alice)</li>", StringComparison.Ordinal), "alice's membership on the page");

        // The card was updated in place, and the audit channel has the request's thread.
        // (The update is a chat job of its own: it may land a moment after the grant.)
        var card = await Wait.UntilAsync(
            () => Task.FromResult(bot.Workspace().Scene(bot.Workspace().FindByPersonId("bob")!).Messages.Single(m => m.Channel == BotHost.ApprovalChannel && m.Text.Contains($"#{id}", StringComparison.Ordinal)) is { Edited: true } edited ? edited : null),
            "the card to be updated in place");
        Assert.DoesNotContain("jit_approve", card.Blocks!.ToJsonString(), StringComparison.Ordinal);
        await Wait.UntilAsync(() => bot.Workspace().Scene(bot.Workspace().FindByPersonId("bob")!).Messages.Any(m => m.Channel == SandboxHost.AuditChannel && m.ThreadTs is not null), "a reply in the audit channel's thread");

        await visitor.TypeAsync("alice", $"/jit revoke {id}");
        await bot.WaitForStatusAsync(id, RequestStatus.Revoked);
        Assert.False(await bot.HasRoleAsync(bot.LoginOf("alice")));
        await Wait.UntilAsync(async () => (await visitor.PanesAsync("alice")).Contains("<span class=\"none\">nobody</span>", StringComparison.Ordinal), "the membership gone from the page");
    }

    [Fact]
    public async Task AnUnknownCommand_IsAnsweredAsSlackDoes_WithoutReachingTheBot()
    {
        await using var bot = await SandboxHost.StartAsync();
        using var visitor = new SandboxVisitor(bot);

        await visitor.TypeAsync("alice", "/deploy prod");

        Assert.Contains("/deploy is not a valid command.", await visitor.PanesAsync("alice"), StringComparison.Ordinal);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.audit_log"));
    }

    [Fact]
    public async Task AModal_SubmitsItsStateToTheBot_Signed_AndStaysOpenWithWhatWasEntered_WhenRefused()
    {
        await using var bot = await SandboxHost.StartAsync();
        var workspace = bot.Workspace();
        var bob = workspace.FindByPersonId("bob")!;
        var (view, error) = workspace.OpenModal(bob.SlackId, JsonNode.Parse("""
            {"type":"modal","callback_id":"jit_deny_reason","title":{"type":"plain_text","text":"Deny #1"},"submit":{"type":"plain_text","text":"Deny"},
             "blocks":[{"type":"input","block_id":"reason","label":{"type":"plain_text","text":"Why?"},"element":{"type":"plain_text_input","action_id":"text"}}]}
            """)!.AsObject(), push: false);
        Assert.Null(error);
        using var visitor = new SandboxVisitor(bot);
        var page = await visitor.PanesAsync("bob");
        Assert.Contains("<h2 id=\"modal-title\">Deny #1</h2>", page, StringComparison.Ordinal);

        var answer = await visitor.PostAsync("sandbox/submit", new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await visitor.TokenAsync("bob"),
            [SandboxPage.AsField] = "bob",
            [SandboxPage.ViewField] = view!.Id,
            [ViewState.Field("reason", "text")] = "too broad",
        });

        // Today's bot knows no view_submission: it answers 400 after checking the signature (a forged one would get 401).
        Assert.Equal(HttpStatusCode.Redirect, answer.Status);
        var scene = workspace.Scene(bob);
        Assert.Contains(scene.Notices, n => n.Text.Contains("HTTP 400", StringComparison.Ordinal) && n.Text.Contains("block_actions", StringComparison.Ordinal));
        Assert.Equal("too broad", ViewState.Entered(scene.Modal!.StateValues, "reason", "text"));
    }

    [Fact]
    public async Task OpeningTheHomeTab_ReachesTheBotsEventsEndpoint_AndShowsTheTabItPublishes()
    {
        await using var bot = await SandboxHost.StartAsync();
        using var visitor = new SandboxVisitor(bot);
        await visitor.TypeAsync("alice", "/jit request prod-db-read 2h fix INC-1234");
        var workspace = bot.Workspace();
        var alice = workspace.FindByPersonId("alice")!;

        var answer = await visitor.PostAsync("sandbox/home", new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await visitor.TokenAsync("alice"),
            [SandboxPage.AsField] = "alice",
        });

        Assert.Equal(HttpStatusCode.Redirect, answer.Status);
        var home = await Wait.UntilAsync(() => Task.FromResult(workspace.Scene(alice).Home), "alice's Home tab to be published");
        Assert.Contains("prod-db-read for 2h — waiting for approval", home.Body.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }), StringComparison.Ordinal);
        Assert.DoesNotContain(workspace.Scene(alice).Notices, n => n.Text.Contains("Home tab", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"Request #(\d+)")]
    private static partial Regex RequestPattern();
}
