using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;

namespace ChatOpsApprover.IntegrationTests.StepUp;

/// <summary>
/// Passkeys end to end in headless Chromium, with Chromium's virtual authenticator (DevTools protocol, WebAuthn
/// domain: internal transport, resident keys, user verification) standing in for Touch ID or a security key. The bot
/// listens on 127.0.0.1 and is reached as http://localhost:&lt;port&gt; (StepUp:PublicBaseUrl), which browsers treat
/// as a secure origin.
/// </summary>
public sealed class PasskeyBrowserTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Task<BotHost> StartAsync(Action<Dictionary<string, string?>>? configure = null)
    {
        var port = FreePort();
        return BotHost.StartAsync(s =>
        {
            s["Urls"] = $"http://127.0.0.1:{port}";
            s["StepUp:PublicBaseUrl"] = $"http://localhost:{port}";
            s["Roles:prod-db-read:StepUp"] = "Requester";
            configure?.Invoke(s);
        });
    }

    /// <summary>A fresh browser context whose page has a platform authenticator that verifies its user (a fingerprint, say).</summary>
    private async Task<(IBrowserContext Context, IPage Page, List<string> Console, ICDPSession Cdp, string AuthenticatorId)> PhoneWithPasskeyAsync()
    {
        var (context, page, console) = await chromium.PhoneAsync();
        var cdp = await context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable");
        var added = await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
            },
        });
        return (context, page, console, cdp, added!.Value.GetProperty("authenticatorId").GetString()!);
    }

    private static ILocator Heading(IPage page) => page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    private static async Task EnrollWithPasskeyAsync(BotHost bot, IPage page, string userId, string name)
    {
        var link = await bot.EnrollLinkAsync(userId);
        Assert.StartsWith("http://localhost:", link.AbsoluteUri, StringComparison.Ordinal);
        await page.GotoAsync(link.AbsoluteUri);
        await page.GetByLabel("Name this key, so you can tell it from others").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use a passkey or security key" }).ClickAsync();
        await Assertions.Expect(Heading(page)).ToHaveTextAsync("Your second factor is set up");
    }

    /// <summary>Asks the authenticator for an answer to the page's challenge, as the page's script would, without sending it.</summary>
    private static Task<string> SignWithoutSendingAsync(IPage page) => page.EvaluateAsync<string>("""
        async () => {
          const form = document.getElementById("passkey-form");
          const options = PublicKeyCredential.parseRequestOptionsFromJSON(JSON.parse(form.dataset.options));
          const credential = await navigator.credentials.get({ publicKey: options });
          return JSON.stringify(credential.toJSON());
        }
        """);

    /// <summary>Posts an answer through the page's own passkey form (its anti-forgery token, its action).</summary>
    private static async Task SendThroughTheFormAsync(IPage page, string credentialJson)
    {
        await page.EvaluateAsync("""
            json => {
              document.getElementById("passkey-credential").value = json;
              document.getElementById("passkey-form").submit();
            }
            """, credentialJson);
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
    }

    /// <summary>The answer with its clientDataJSON's origin changed, as a look-alike site relaying it would have it.</summary>
    private static string WithOrigin(string credentialJson, string origin)
    {
        var json = JsonNode.Parse(credentialJson)!;
        var response = json["response"]!;
        var clientData = JsonNode.Parse(Base64UrlDecode(response["clientDataJSON"]!.GetValue<string>()))!;
        clientData["origin"] = origin;
        response["clientDataJSON"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(clientData.ToJsonString())).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return json.ToJsonString();
    }

    private static byte[] Base64UrlDecode(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded + new string('=', (4 - (padded.Length % 4)) % 4));
    }

    private static Task WaitForCardAsync(BotHost bot, string text) =>
        Wait.UntilAsync(() => bot.Slack.CallsTo("chat.update").Any(c => c.Json.Contains(text, StringComparison.Ordinal)), $"a card showing \"{text}\"");

    [Fact]
    public async Task APasskey_EnrollsOnThePage_StepsUpWithOneTouch_GrantsTheRole_AndIsNamedInTheAuditAndOnTheCard()
    {
        await using var bot = await StartAsync();
        var (context, page, console, cdp, authenticator) = await PhoneWithPasskeyAsync();
        await using var _ = context;

        await EnrollWithPasskeyAsync(bot, page, "U0ALICE", "MacBook Touch ID");
        Assert.Equal(1, await bot.ScalarAsync("SELECT count(*) FROM jit.passkeys WHERE person_id = 'alice' AND name = 'MacBook Touch ID'"));
        Assert.Equal(1, await bot.ScalarAsync("SELECT count(*) FROM jit.mfa_factors WHERE person_id = 'alice' AND active AND NOT totp AND last_used_step IS NULL"));
        var onAuthenticator = await cdp.SendAsync("WebAuthn.getCredentials", new Dictionary<string, object> { ["authenticatorId"] = authenticator });
        var credential = onAuthenticator!.Value.GetProperty("credentials")[0];
        Assert.Equal("localhost", credential.GetProperty("rpId").GetString());
        Assert.True(credential.GetProperty("isResidentCredential").GetBoolean(), "resident keys are preferred, and this authenticator has them");

        var factors = await bot.CommandAsync("U0ALICE", "factors");
        Assert.Contains("passkey: MacBook Touch ID", factors, StringComparison.Ordinal);
        Assert.DoesNotContain("totp", factors, StringComparison.Ordinal);

        var id = await bot.RequestAccessAsync();
        await bot.ClickApproveAsync("U0BOB", id);
        var link = await bot.WaitForLinkAsync("U0ALICE");
        var response = await page.GotoAsync(link.AbsoluteUri);
        await Assertions.Expect(Heading(page)).ToHaveTextAsync($"Confirm your access request #{id}");
        var csp = response!.Headers["content-security-policy"];
        Assert.Matches("script-src 'nonce-[A-Za-z0-9+/=]+';", csp);
        Assert.DoesNotContain("http", csp, StringComparison.Ordinal);
        Assert.Equal(0, await page.GetByLabel("6-digit code from your authenticator app").CountAsync());

        Assert.False(await bot.HasRoleAsync(bot.LoginOf("alice")));
        await page.GetByRole(AriaRole.Button, new() { Name = "Use your passkey" }).ClickAsync();
        await Assertions.Expect(Heading(page)).ToHaveTextAsync("Confirmed");
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        Assert.True(await bot.HasRoleAsync(bot.LoginOf("alice")));
        Assert.Equal(2, await bot.ScalarAsync("SELECT max(sign_count) FROM jit.passkeys WHERE person_id = 'alice' AND last_used_at IS NOT NULL"));

        await bot.AuditSealedAsync();
        Assert.Equal(1, await bot.ScalarAsync("SELECT count(*) FROM jit.audit_log WHERE event = 'mfa.enrolled' AND details->>'factor' = 'passkey: MacBook Touch ID'"));
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE event = 'stepup.verified' AND request_id = {id} AND details->>'factor' = 'passkey: MacBook Touch ID'"));
        await WaitForCardAsync(bot, "Second factor confirmed by the requester alice at");
        await WaitForCardAsync(bot, "with passkey: MacBook Touch ID");
        Assert.DoesNotContain(console, m => m.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));

        // reset-mfa takes the passkeys with the factor.
        var reset = await bot.CommandAsync("U0ERIN", "admin reset-mfa alice");
        Assert.Contains("alice's second factor and its 1 passkey were removed", reset, StringComparison.Ordinal);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.passkeys WHERE person_id = 'alice'"));
    }

    [Fact]
    public async Task AnExtension_IsConfirmedWithAPasskey_OnAPasskeyOnlyRole_WhichRefusesACodeForIt()
    {
        await using var bot = await StartAsync(s =>
        {
            s["Roles:prod-db-read:StepUpFactor"] = "Passkey";
            s["Roles:prod-db-read:Extend:MaxTotal"] = "04:00:00";
            s["Roles:prod-db-read:Extend:RequiresApproval"] = "false";
        });
        var (context, page, _, _, _) = await PhoneWithPasskeyAsync();
        await using var __ = context;
        await EnrollWithPasskeyAsync(bot, page, "U0ALICE", "YubiKey 5");
        var id = await bot.RequestAccessAsync();
        await bot.ClickApproveAsync("U0BOB", id);
        await page.GotoAsync((await bot.WaitForLinkAsync("U0ALICE", index: 0)).AbsoluteUri);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use your passkey" }).ClickAsync();
        await Assertions.Expect(Heading(page)).ToHaveTextAsync("Confirmed");
        var oldEnd = (await bot.WaitForStatusAsync(id, RequestStatus.Active)).EndsAt!.Value;

        var reply = await bot.CommandAsync("U0ALICE", $"extend {id} 30m");
        Assert.Contains("waits for you to confirm it with your second factor", reply, StringComparison.Ordinal);
        var link = await bot.WaitForLinkAsync("U0ALICE", index: 1);

        // The extension's page offers the passkey and no code form; a code posted anyway is refused and changes nothing.
        await page.GotoAsync(link.AbsoluteUri);
        await Assertions.Expect(Heading(page)).ToContainTextAsync("extension");
        Assert.Equal(0, await page.GetByLabel("6-digit code from your authenticator app").CountAsync());
        using (var codeOnly = new LinkBrowser())
        {
            Assert.NotEqual(HttpStatusCode.OK, (await codeOnly.SubmitAsync(link, "123456")).Status);
        }

        Assert.Equal(oldEnd, (await bot.RequestAsync(id)).EndsAt);

        await page.GotoAsync(link.AbsoluteUri);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use your passkey" }).ClickAsync();
        await Assertions.Expect(Heading(page)).ToHaveTextAsync("Confirmed");
        Assert.Equal(oldEnd + TimeSpan.FromMinutes(30), (await bot.RequestAsync(id)).EndsAt);
        Assert.Equal(RequestStatus.Active, (await bot.RequestAsync(id)).Status);
        await bot.AuditSealedAsync();
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'stepup.verified' AND details ? 'extension' AND details->>'factor' = 'passkey: YubiKey 5'"));
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'access.extended'"));
    }

    [Fact]
    public async Task AReplayedAssertion_IsRefused_OnTheUsedLink_AndOnTheNextLink()
    {
        await using var bot = await StartAsync();
        var (context, page, _, _, _) = await PhoneWithPasskeyAsync();
        await using var __ = context;
        await EnrollWithPasskeyAsync(bot, page, "U0ALICE", "YubiKey 5");

        var first = await bot.RequestAccessAsync();
        await bot.ClickApproveAsync("U0BOB", first);
        var firstLink = await bot.WaitForLinkAsync("U0ALICE");
        await page.GotoAsync(firstLink.AbsoluteUri);
        var formToken = await page.Locator("#passkey-form input[name='__RequestVerificationToken']").GetAttributeAsync("value");
        var captured = await SignWithoutSendingAsync(page);
        await SendThroughTheFormAsync(page, captured);
        await Assertions.Expect(Heading(page)).ToHaveTextAsync("Confirmed");
        await bot.WaitForStatusAsync(first, RequestStatus.Active);

        // Sent again to the same link, as the page had posted it: the link is used up.
        var form = context.APIRequest.CreateFormData();
        form.Set("__RequestVerificationToken", formToken!);
        form.Set("credential", captured);
        var again = await context.APIRequest.PostAsync(firstLink.AbsoluteUri + "/passkey", new() { Form = form });
        Assert.Equal(410, again.Status);
        Assert.Contains("This link was already used", await again.TextAsync(), StringComparison.Ordinal);

        // Sent to the next request's link: its challenge is another one.
        await bot.CommandAsync("U0ALICE", $"revoke {first}");
        await bot.WaitForStatusAsync(first, RequestStatus.Revoked);
        var second = await bot.RequestAccessAsync();
        await bot.ClickApproveAsync("U0BOB", second);
        var secondLink = await bot.WaitForLinkAsync("U0ALICE", index: 1);
        await page.GotoAsync(secondLink.AbsoluteUri);
        await SendThroughTheFormAsync(page, captured);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Your passkey's answer was not accepted");
        Assert.Contains("InvalidAuthenticatorResponseChallenge", bot.Logs.All, StringComparison.Ordinal);
        Assert.Equal(RequestStatus.Approved, (await bot.RequestAsync(second)).Status);
        Assert.Equal(1, await bot.ScalarAsync("SELECT failed_codes FROM jit.mfa_factors WHERE person_id = 'alice'"));

        // The page came back with a fresh challenge: the person's own touch now works.
        await page.GetByRole(AriaRole.Button, new() { Name = "Use your passkey" }).ClickAsync();
        await Assertions.Expect(Heading(page)).ToHaveTextAsync("Confirmed");
        await bot.WaitForStatusAsync(second, RequestStatus.Active);
    }

    [Fact]
    public async Task AnAssertionMadeForAnotherOrigin_IsRefused_AndCountsAsAFailure()
    {
        await using var bot = await StartAsync();
        var (context, page, _, _, _) = await PhoneWithPasskeyAsync();
        await using var _ = context;
        await EnrollWithPasskeyAsync(bot, page, "U0ALICE", "Phone");

        var id = await bot.RequestAccessAsync();
        await bot.ClickApproveAsync("U0BOB", id);
        var link = await bot.WaitForLinkAsync("U0ALICE");
        await page.GotoAsync(link.AbsoluteUri);
        var relayed = WithOrigin(await SignWithoutSendingAsync(page), $"http://127.0.0.1:{link.Port}");
        await SendThroughTheFormAsync(page, relayed);

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Your passkey's answer was not accepted");
        Assert.Contains("InvalidAuthenticatorResponseOrigin", bot.Logs.All, StringComparison.Ordinal);
        Assert.Equal(RequestStatus.Approved, (await bot.RequestAsync(id)).Status);
        Assert.False(await bot.HasRoleAsync(bot.LoginOf("alice")));
        Assert.Equal(1, await bot.ScalarAsync("SELECT failed_attempts FROM jit.stepup_links WHERE used_at IS NULL AND request_id = " + id));
    }

    [Fact]
    public async Task APasskeyWhoseCounterGoesBackwards_IsRefusedAsAPossibleClone_AndAlertedInTheAuditChannel()
    {
        const string auditChannel = "C0AUDITPASSKEY";
        await using var bot = await StartAsync(s => s["Audit:SlackChannel"] = auditChannel);
        var (context, page, _, _, _) = await PhoneWithPasskeyAsync();
        await using var _ = context;
        await EnrollWithPasskeyAsync(bot, page, "U0ALICE", "YubiKey 5");

        // The bot has seen this key count further than it now will: as if a copy of it had been used in between.
        await bot.ScalarAsync("WITH moved AS (UPDATE jit.passkeys SET sign_count = 1000 WHERE person_id = 'alice' RETURNING 1) SELECT count(*) FROM moved");
        var id = await bot.RequestAccessAsync();
        await bot.ClickApproveAsync("U0BOB", id);
        await page.GotoAsync((await bot.WaitForLinkAsync("U0ALICE")).AbsoluteUri);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use your passkey" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("may have been copied");
        Assert.Equal(RequestStatus.Approved, (await bot.RequestAsync(id)).Status);
        Assert.False(await bot.HasRoleAsync(bot.LoginOf("alice")));
        Assert.Equal(1000, await bot.ScalarAsync("SELECT sign_count FROM jit.passkeys WHERE person_id = 'alice'"));
        Assert.Equal(1, await bot.ScalarAsync("SELECT failed_codes FROM jit.mfa_factors WHERE person_id = 'alice'"));
        await bot.AuditSealedAsync();
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE event = 'mfa.passkey_clone_suspected' AND request_id = {id} AND details->>'passkey' = 'YubiKey 5' AND details->>'stored_counter' = '1000'"));
        await Wait.UntilAsync(
            () => bot.Slack.CallsTo("chat.postMessage").Any(c => c.Body["channel"]?.GetValue<string>() == auditChannel && c.Text.Contains("ALERT: passkey may be cloned", StringComparison.Ordinal)),
            "the clone alert in the audit channel");
    }

    [Fact]
    public async Task RequireAttestation_RefusesAnAuthenticatorModelNotListed_AndEnrollsNothing()
    {
        await using var bot = await StartAsync(s =>
        {
            s["StepUp:Passkeys:RequireAttestation"] = "true";
            s["StepUp:Passkeys:AllowedAaguids:0"] = "cb69481e-8ff7-4039-93ec-0a2729a154a8";
        });
        var (context, page, _, _, _) = await PhoneWithPasskeyAsync();
        await using var _ = context;

        await page.GotoAsync((await bot.EnrollLinkAsync("U0ALICE")).AbsoluteUri);
        await page.GetByLabel("Name this key, so you can tell it from others").FillAsync("Unlisted key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Use a passkey or security key" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not a model your organisation accepts");
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.passkeys"));
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.mfa_factors WHERE active"));
    }

    [Fact]
    public async Task TheEnrollmentLink_HandsOutARegistrationChallengeOnlyAtItsFirstOpening_NeverAfterARefusedAnswer()
    {
        await using var bot = await StartAsync();
        using var person = new LinkBrowser();
        var link = await bot.EnrollLinkAsync("U0ALICE");
        var first = await person.OpenAsync(link);
        Assert.Contains("id=\"passkey-form\"", first.Html, StringComparison.Ordinal);
        Assert.Contains("script-src 'nonce-", first.Header("Content-Security-Policy"), StringComparison.Ordinal);

        // A link scanner (or anyone who saw the link) opening it later gets neither the key nor a challenge.
        using var scanner = new LinkBrowser();
        var later = await scanner.OpenAsync(link);
        Assert.Equal("This link was already opened", later.Title);
        Assert.DoesNotContain("passkey-form", later.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src", later.Header("Content-Security-Policy"), StringComparison.Ordinal);

        // …and posting an answer of its own takes the waiting challenge, is refused and counted, and gets none back.
        var refused = await scanner.PostAsync(new Uri(link.AbsoluteUri + "/passkey"), new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = later.AntiforgeryToken!,
            ["name"] = "Not mine",
            ["credential"] = "{\"id\":\"AAAA\",\"rawId\":\"AAAA\",\"type\":\"public-key\",\"response\":{\"clientDataJSON\":\"e30\",\"attestationObject\":\"oA\"}}",
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Contains("Your passkey's answer was not accepted", WebUtility.HtmlDecode(refused.Html), StringComparison.Ordinal);
        Assert.DoesNotContain("passkey-form", refused.Html, StringComparison.Ordinal);
        Assert.Equal(1, await bot.ScalarAsync("SELECT failed_attempts FROM jit.stepup_links WHERE purpose = 'enroll' AND person_id = 'alice'"));
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.stepup_links WHERE webauthn_options IS NOT NULL"));
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.passkeys"));
    }

    [Fact]
    public async Task ARoleThatTakesPasskeysOnly_RefusesARightTotpCode_AndCountsNothing()
    {
        await using var bot = await StartAsync(s => s["Roles:prod-db-read:StepUpFactor"] = "Passkey");
        using var browser = new LinkBrowser();
        var secret = await bot.EnrollAsync("U0ALICE", browser);

        var id = await bot.RequestAccessAsync();
        await bot.ClickApproveAsync("U0BOB", id);
        var link = await bot.WaitForLinkAsync("U0ALICE");
        var page = await browser.OpenAsync(link);
        Assert.Equal(HttpStatusCode.Conflict, page.Status);
        Assert.Equal("This confirmation needs a passkey", page.Title);
        Assert.False(page.HasCodeForm);

        // Posted anyway, with a right code and a form token this browser holds from another page of the bot.
        var tokenSource = await browser.OpenAsync(await bot.EnrollLinkAsync("U0CAROL"));
        var refused = await browser.PostAsync(link, new Dictionary<string, string> { ["__RequestVerificationToken"] = tokenSource.AntiforgeryToken!, ["code"] = bot.Code(secret) });
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Contains("This role accepts only a passkey or security key, not a code", refused.Html, StringComparison.Ordinal);
        Assert.Equal(RequestStatus.Approved, (await bot.RequestAsync(id)).Status);
        Assert.Equal(0, await bot.ScalarAsync("SELECT failed_codes FROM jit.mfa_factors WHERE person_id = 'alice'"));
        Assert.Equal(0, await bot.ScalarAsync("SELECT failed_attempts FROM jit.stepup_links WHERE request_id = " + id));
    }

    [Fact]
    public async Task APersonWithTheAuthenticatorApp_AddsAPasskeyWithACode_AndThenHoldsBoth()
    {
        await using var bot = await StartAsync();
        var (context, page, console, _, _) = await PhoneWithPasskeyAsync();
        await using var _ = context;

        // Enrolled with the app first, on the same page (its code form).
        await page.GotoAsync((await bot.EnrollLinkAsync("U0ALICE")).AbsoluteUri);
        var secret = OtpNet.Base32Encoding.ToBytes((await page.Locator("#secret").InnerTextAsync()).Replace(" ", string.Empty, StringComparison.Ordinal));
        await page.Locator("form:not(#passkey-form)").GetByLabel("6-digit code from your authenticator app").FillAsync(bot.Code(secret));
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Assertions.Expect(Heading(page)).ToHaveTextAsync("Your second factor is set up");
        bot.Time.Advance(TimeSpan.FromSeconds(30));

        // A wrong code adds nothing, and the link gives no second chance.
        var reply = await bot.CommandAsync("U0ALICE", "enroll");
        Assert.Contains("To add a passkey or security key", reply, StringComparison.Ordinal);
        await page.GotoAsync(StepUpSteps.FindLink(reply, "enroll")!.AbsoluteUri);
        await Assertions.Expect(Heading(page)).ToHaveTextAsync("Add a passkey or security key");
        await page.GetByLabel("6-digit code from your authenticator app").FillAsync(bot.WrongCode(secret));
        await page.GetByLabel("Name this key, so you can tell it from others").FillAsync("Stolen laptop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Use a passkey or security key" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("That code is not right");
        Assert.Equal(0, await page.Locator("#passkey-form").CountAsync());
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.passkeys"));
        Assert.Equal(1, await bot.ScalarAsync("SELECT failed_codes FROM jit.mfa_factors WHERE person_id = 'alice'"));

        // With the right code, the passkey is added beside the app.
        await page.GotoAsync(StepUpSteps.FindLink(await bot.CommandAsync("U0ALICE", "enroll"), "enroll")!.AbsoluteUri);
        await page.GetByLabel("6-digit code from your authenticator app").FillAsync(bot.Code(secret));
        await page.GetByLabel("Name this key, so you can tell it from others").FillAsync("Laptop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Use a passkey or security key" }).ClickAsync();
        await Assertions.Expect(Heading(page)).ToHaveTextAsync("Your passkey is added");
        bot.Time.Advance(TimeSpan.FromSeconds(30));
        var factors = await bot.CommandAsync("U0ALICE", "factors");
        Assert.Contains("totp: authenticator app", factors, StringComparison.Ordinal);
        Assert.Contains("passkey: Laptop", factors, StringComparison.Ordinal);
        await bot.AuditSealedAsync();
        Assert.Equal(1, await bot.ScalarAsync("SELECT count(*) FROM jit.audit_log WHERE event = 'mfa.enrolled' AND details->>'factor' = 'passkey: Laptop' AND details ? 'added'"));

        // The step-up page offers both; the passkey confirms.
        var id = await bot.RequestAccessAsync();
        await bot.ClickApproveAsync("U0BOB", id);
        await page.GotoAsync((await bot.WaitForLinkAsync("U0ALICE")).AbsoluteUri);
        Assert.Equal(1, await page.GetByLabel("6-digit code from your authenticator app").CountAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "Use your passkey" }).ClickAsync();
        await Assertions.Expect(Heading(page)).ToHaveTextAsync("Confirmed");
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        Assert.DoesNotContain(console, m => m.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task JitFactors_ListsTheAuthenticatorApp_OrSaysThereIsNone_OnSlackAndTeams()
    {
        await using var bot = await StartAsync();
        Assert.Contains("You have no second factor yet", await bot.CommandAsync("U0ALICE", "factors"), StringComparison.Ordinal);

        using var browser = new LinkBrowser();
        await bot.EnrollAsync("U0ALICE", browser);
        var slack = await bot.CommandAsync("U0ALICE", "factors");
        Assert.Contains("totp: authenticator app", slack, StringComparison.Ordinal);
        Assert.DoesNotContain("passkey:", slack, StringComparison.Ordinal);
        Assert.Contains("totp: authenticator app", await bot.TeamsCommandAsync(TeamsIds.Alice, "jit factors"), StringComparison.Ordinal);
        Assert.Contains("jit factors", await bot.CommandAsync("U0ALICE", "help"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARoleThatTakesPasskeysOnly_NeedsAnAddressPasskeysWorkAt_OrStartUpStops()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => BotHost.StartAsync(s =>
        {
            s["Roles:prod-db-read:StepUpFactor"] = "Passkey";
            s["StepUp:PublicBaseUrl"] = "http://jit.example.test";
        }));
        Assert.Contains("Roles:prod-db-read:StepUpFactor: Passkey needs StepUp:PublicBaseUrl", failure.Message, StringComparison.Ordinal);
    }
}
