using System.Net;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Grants;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.StepUp;

/// <summary>Step-up confirmation over loopback HTTP with the real database: access starts only after a valid code.</summary>
public sealed class StepUpTests
{
    private static Task<BotHost> StartAsync(string stepUp, Action<Dictionary<string, string?>>? configure = null) =>
        BotHost.StartAsync(s =>
        {
            s["Roles:prod-db-read:StepUp"] = stepUp;
            configure?.Invoke(s);
        });

    /// <summary>alice asks, bob approves; returns the request id once the requester's link is on its way.</summary>
    private static async Task<long> ApprovedRequestAsync(BotHost bot, string userId = "U0ALICE")
    {
        var id = await bot.RequestAccessAsync(userId);
        await bot.ClickApproveAsync("U0BOB", id);
        await bot.WaitForStatusAsync(id, RequestStatus.Approved);
        return id;
    }

    private static Task WaitForCardAsync(BotHost bot, string text) =>
        Wait.UntilAsync(() => bot.Slack.CallsTo("chat.update").Any(c => c.Json.Contains(text, StringComparison.Ordinal)), $"a card showing \"{text}\"");

    [Fact]
    public async Task ApprovalNeverConfirmed_LapsesAfterConfirmWithin_AndItsLinkNoLongerGrants()
    {
        await using var bot = await StartAsync("Requester", s => s["StepUp:ConfirmWithin"] = "00:30:00");
        using var browser = new LinkBrowser();
        await bot.EnrollAsync("U0ALICE", browser);
        var id = await ApprovedRequestAsync(bot);
        var link = await bot.WaitForLinkAsync("U0ALICE");

        // As if a grant attempt had reached the target before its transaction failed (the attempt is recorded first).
        await bot.ScalarAsync($"GRANT {bot.GrantRole} TO {bot.LoginOf("alice")}; UPDATE jit.access_requests SET grant_sent_at = now() WHERE id = {id}; SELECT 1");

        // A lapse pass a minute before the deadline leaves the approval alone…
        bot.Time.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(0, await bot.LapseNowAsync());
        Assert.Equal(RequestStatus.Approved, (await bot.RequestAsync(id)).Status);

        // …and one after it fails the request (this pass, or the scheduler's running at the same moment).
        bot.Time.Advance(TimeSpan.FromMinutes(2));
        await bot.LapseNowAsync();
        var lapsed = await bot.WaitForStatusAsync(id, RequestStatus.Failed);
        Assert.Contains("did not confirm with their second factor within 30m", lapsed.FailureReason, StringComparison.Ordinal);
        await Wait.UntilAsync(async () => !await bot.HasRoleAsync(bot.LoginOf("alice")), "a membership left by a failed grant attempt to be taken away (a durable clean-up, by the sweep)");
        Assert.Equal(1, await bot.AuditCountAsync("grant.failed", id));

        // Neither a fresh link nor the old one (long expired) can bring the lapsed approval back to life.
        Assert.DoesNotContain("/stepup/", await bot.CommandAsync("U0ALICE", $"confirm {id}"), StringComparison.Ordinal);
        var page = await browser.OpenAsync(link);
        Assert.NotEqual(System.Net.HttpStatusCode.OK, page.Status);
        Assert.Equal(RequestStatus.Failed, (await bot.RequestAsync(id)).Status);
        Assert.False(await bot.HasRoleAsync(bot.LoginOf("alice")));
    }

    [Fact]
    public async Task FullFlow_RequestApproveStepUp_GrantsTheRoleOnlyAfterTheRequestersCode()
    {
        await using var bot = await StartAsync("Requester");
        using var browser = new LinkBrowser();
        var secret = await bot.EnrollAsync("U0ALICE", browser);
        var login = bot.LoginOf("alice");

        var id = await ApprovedRequestAsync(bot);
        var link = await bot.WaitForLinkAsync("U0ALICE");
        Assert.StartsWith(bot.Http.BaseAddress!.AbsoluteUri + "stepup/", link.AbsoluteUri, StringComparison.Ordinal);
        var dm = bot.LinksSentTo("U0ALICE", "stepup")[0].Text;
        Assert.Contains($"Your request #{id} for prod-db-read (2h) was approved by bob", dm, StringComparison.Ordinal);
        Assert.Contains($"jit confirm {id}", dm, StringComparison.Ordinal);
        await WaitForCardAsync(bot, "Waiting for the requester alice to confirm with their second factor");
        Assert.Equal(RequestStatus.Approved, (await bot.RequestAsync(id)).Status);
        Assert.False(await bot.HasRoleAsync(login));
        Assert.Contains("waiting for the requester to confirm", await bot.CommandAsync("U0ALICE", "list"), StringComparison.Ordinal);

        // The page names what is being confirmed.
        var page = await browser.OpenAsync(link);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal($"Confirm your access request #{id}", page.Title);
        foreach (var fact in new[] { "<dd>alice</dd>", "prod-db-read — Read-only access to production", "<dd>2h</dd>", "<dd>fix INC-1234</dd>", "<dd>bob</dd>" })
        {
            Assert.Contains(fact, page.Html, StringComparison.Ordinal);
        }

        Assert.Equal("no-store", page.Header("Cache-Control"));
        Assert.Contains("form-action 'self'", page.Header("Content-Security-Policy"), StringComparison.Ordinal);

        var done = await browser.SubmitAsync(link, bot.Code(secret));
        Assert.Equal("Confirmed", done.Title);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        Assert.True(await bot.HasRoleAsync(login), "the role is really granted at the target");
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE event = 'stepup.verified' AND request_id = {id} AND actor = 'alice' AND details->>'new_device' = 'false' AND details->>'new_network' = 'false'"));
        await WaitForCardAsync(bot, "Second factor confirmed by the requester alice");
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postMessage").Any(c => c.Body["channel"]?.GetValue<string>() == "DU0ALICE" && c.Text.Contains("is active until", StringComparison.Ordinal)), "the 'access started' DM");

        // Single use, even with the form as it was.
        bot.Time.Advance(TimeSpan.FromSeconds(30));
        var again = await browser.PostAsync(link, new() { ["__RequestVerificationToken"] = page.AntiforgeryToken!, ["code"] = bot.Code(secret) });
        Assert.Equal(HttpStatusCode.Gone, again.Status);
        Assert.Equal("This link was already used", again.Title);
        Assert.False((await browser.OpenAsync(link)).HasCodeForm);
        Assert.Equal(1, await bot.AuditCountAsync("stepup.verified"));
    }

    [Fact]
    public async Task AnAutoApprovedRole_StillWaitsForTheRequestersCode()
    {
        await using var bot = await StartAsync("Requester", s => s["Roles:prod-db-read:AutoApprove"] = "true");
        using var browser = new LinkBrowser();
        var secret = await bot.EnrollAsync("U0ALICE", browser);
        var reply = await bot.CommandAsync("U0ALICE", "request prod-db-read 1h deploy");
        Assert.Contains("access starts once you confirm it with your second factor", reply, StringComparison.Ordinal);
        var link = await bot.WaitForLinkAsync("U0ALICE");
        Assert.Contains("was approved.", bot.LinksSentTo("U0ALICE", "stepup")[0].Text, StringComparison.Ordinal);
        var page = await browser.OpenAsync(link);
        Assert.Contains("<dd>no approval needed (policy)</dd>", page.Html, StringComparison.Ordinal);
        Assert.False(await bot.HasRoleAsync(bot.LoginOf("alice")));
        Assert.Equal("Confirmed", (await browser.SubmitAsync(link, bot.Code(secret))).Title);
        await Wait.UntilAsync(async () => await bot.HasRoleAsync(bot.LoginOf("alice")), "the grant after the code");
    }

    [Fact]
    public async Task CookiesAreSecure_WhenATrustedProxyEndedHttps()
    {
        await using var bot = await StartAsync("Requester", s => s["StepUp:TrustedProxies:0"] = "127.0.0.1");
        var link = await bot.EnrollLinkAsync("U0ALICE");
        using var raw = new HttpClient(new SocketsHttpHandler { UseCookies = false });
        async Task<string> AntiforgeryCookieAsync(string proto)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, link);
            request.Headers.Add("X-Forwarded-Proto", proto);
            using var response = await raw.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("jit-antiforgery=", StringComparison.Ordinal));
        }

        var secure = await AntiforgeryCookieAsync("https");
        Assert.Contains("secure", secure, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", secure, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", secure, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", await AntiforgeryCookieAsync("http"), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ARequesterWithoutASecondFactor_GetsAnEnrollmentLinkFirst_ThenTheConfirmationLink()
    {
        await using var bot = await StartAsync("Requester");
        var id = await ApprovedRequestAsync(bot, "U0CAROL");
        var enroll = await bot.WaitForLinkAsync("U0CAROL", "enroll");
        Assert.Contains("you have not set one up yet", bot.LinksSentTo("U0CAROL", "enroll")[0].Text, StringComparison.Ordinal);
        Assert.Empty(bot.LinksSentTo("U0CAROL", "stepup"));

        using var browser = new LinkBrowser();
        var secret = await bot.CompleteEnrollmentAsync(enroll, browser);
        var link = await bot.WaitForLinkAsync("U0CAROL");
        Assert.Equal("Confirmed", (await browser.SubmitAsync(link, bot.Code(secret))).Title);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        Assert.True(await bot.HasRoleAsync(bot.LoginOf("carol")));
    }

    [Fact]
    public async Task AReplayedCode_IsRefused_AndTheNextCodeWorks()
    {
        await using var bot = await StartAsync("Requester");
        using var browser = new LinkBrowser();
        var secret = await bot.EnrollAsync("U0ALICE", browser);
        var first = await ApprovedRequestAsync(bot);
        var second = await ApprovedRequestAsync(bot);
        var firstLink = await bot.WaitForLinkAsync("U0ALICE", index: 0);
        var secondLink = await bot.WaitForLinkAsync("U0ALICE", index: 1);

        var code = bot.Code(secret);
        Assert.Equal("Confirmed", (await browser.SubmitAsync(firstLink, code)).Title);
        var replay = await browser.SubmitAsync(secondLink, code);
        Assert.Equal((HttpStatusCode)422, replay.Status);
        Assert.Contains("That code was already used", replay.Html, StringComparison.Ordinal);
        Assert.Equal(RequestStatus.Approved, (await bot.RequestAsync(second)).Status);

        // Neither may the previous step's code (still inside the drift window) be used after a later one.
        var previous = ChatOpsApprover.StepUp.Totp.Compute(secret, bot.Time.GetUtcNow().AddSeconds(-30));
        Assert.Contains("That code was already used", (await browser.SubmitAsync(secondLink, previous)).Html, StringComparison.Ordinal);

        bot.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal("Confirmed", (await browser.SubmitAsync(secondLink, bot.Code(secret))).Title);
        await bot.WaitForStatusAsync(first, RequestStatus.Active);
        await bot.WaitForStatusAsync(second, RequestStatus.Active);
    }

    [Fact]
    public async Task SomeoneElse_CannotConfirmARequest_WithTheirOwnCode()
    {
        await using var bot = await StartAsync("Requester");
        using var alices = new LinkBrowser();
        using var carols = new LinkBrowser();
        var aliceSecret = await bot.EnrollAsync("U0ALICE", alices);
        var carolSecret = await bot.EnrollAsync("U0CAROL", carols);
        var id = await ApprovedRequestAsync(bot);
        var link = await bot.WaitForLinkAsync("U0ALICE");

        var page = await carols.OpenAsync(link);
        Assert.Contains("This link is for <strong id=\"person\">alice</strong>. If that is not you, close this page.", page.Html, StringComparison.Ordinal);
        var refused = await carols.SubmitAsync(link, bot.Code(carolSecret));
        Assert.Contains("That code is not right", refused.Html, StringComparison.Ordinal);
        Assert.Equal(RequestStatus.Approved, (await bot.RequestAsync(id)).Status);
        Assert.Equal(0, await bot.AuditCountAsync("stepup.verified"));

        Assert.Equal("Confirmed", (await alices.SubmitAsync(link, bot.Code(aliceSecret))).Title);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
    }

    [Fact]
    public async Task AnExpiredLink_ChangesNothing_AndJitConfirmGivesANewOne()
    {
        await using var bot = await StartAsync("Requester");
        using var browser = new LinkBrowser();
        var secret = await bot.EnrollAsync("U0ALICE", browser);
        var id = await ApprovedRequestAsync(bot);
        var link = await bot.WaitForLinkAsync("U0ALICE");
        var antiforgery = (await browser.OpenAsync(link)).AntiforgeryToken!;

        bot.Time.Advance(TimeSpan.FromMinutes(5));
        var expired = await browser.PostAsync(link, new() { ["__RequestVerificationToken"] = antiforgery, ["code"] = bot.Code(secret) });
        Assert.Equal(HttpStatusCode.Gone, expired.Status);
        Assert.Equal("This link has expired", expired.Title);
        Assert.Contains($"type jit confirm {id}", expired.Html, StringComparison.Ordinal);
        Assert.Equal(RequestStatus.Approved, (await bot.RequestAsync(id)).Status);
        Assert.Equal(0, await bot.AuditCountAsync("stepup.verified"));

        Assert.Contains("There is no request #999", await bot.CommandAsync("U0ALICE", "confirm 999"), StringComparison.Ordinal);
        Assert.Contains("jit confirm &lt;id&gt;", await bot.CommandAsync("U0ALICE", "confirm"), StringComparison.Ordinal);
        Assert.Contains($"There is no request #{id} waiting for your confirmation", await bot.CommandAsync("U0CAROL", $"confirm {id}"), StringComparison.Ordinal);
        var fresh = StepUpSteps.FindLink(await bot.CommandAsync("U0ALICE", $"confirm {id}"), "stepup");
        Assert.NotNull(fresh);
        Assert.Equal("Confirmed", (await browser.SubmitAsync(fresh!, bot.Code(secret))).Title);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        Assert.Contains("is not waiting for your confirmation (active until", await bot.CommandAsync("U0ALICE", $"confirm {id}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadStepUpLinks_GetAClearPage_AndChangeNothing()
    {
        await using var bot = await StartAsync("Requester");
        using var browser = new LinkBrowser();
        var secret = await bot.EnrollAsync("U0ALICE", browser);
        var id = await ApprovedRequestAsync(bot);
        var link = await bot.WaitForLinkAsync("U0ALICE");
        var token = link.Segments[^1];
        var audit = await bot.ScalarAsync("SELECT count(*) FROM jit.audit_log");

        var cases = new (Uri Link, HttpStatusCode Status, string Title)[]
        {
            (new Uri(link, (token[^1] == 'A' ? token[..^1] + "B" : token[..^1] + "A")), HttpStatusCode.NotFound, "This link is not valid"),
            (new Uri(link, token + "x"), HttpStatusCode.NotFound, "This link is not valid"),
            (new Uri(bot.Http.BaseAddress!, "enroll/" + token), HttpStatusCode.NotFound, "This link does not belong on this page"),
        };
        foreach (var (bad, status, title) in cases)
        {
            var page = await browser.OpenAsync(bad);
            Assert.Equal(status, page.Status);
            Assert.Equal(title, page.Title);
            Assert.False(page.HasCodeForm);
            var posted = await browser.PostAsync(bad, new() { ["__RequestVerificationToken"] = (await browser.OpenAsync(link)).AntiforgeryToken!, ["code"] = bot.Code(secret) });
            Assert.Equal(title, posted.Title);
        }

        // A revoked request has nothing left to confirm.
        var form = (await browser.OpenAsync(link)).AntiforgeryToken!;
        Assert.Contains("withdrawn", await bot.CommandAsync("U0ALICE", $"revoke {id}"), StringComparison.Ordinal);
        var nothing = await browser.PostAsync(link, new() { ["__RequestVerificationToken"] = form, ["code"] = bot.Code(secret) });
        Assert.Equal(HttpStatusCode.Conflict, nothing.Status);
        Assert.Equal("Nothing to confirm", nothing.Title);
        Assert.Contains("revoked by alice", nothing.Html, StringComparison.Ordinal);
        Assert.False((await browser.OpenAsync(link)).HasCodeForm);

        Assert.Equal(audit + 1, await bot.ScalarAsync("SELECT count(*) FROM jit.audit_log"));
        Assert.Equal(0, await bot.AuditCountAsync("stepup.verified"));
        Assert.False(await bot.HasRoleAsync(bot.LoginOf("alice")));
    }

    [Fact]
    public async Task FiveWrongCodes_LockTheConfirmationLink_AndTheLockIsAudited()
    {
        await using var bot = await StartAsync("Requester");
        using var browser = new LinkBrowser();
        var secret = await bot.EnrollAsync("U0ALICE", browser);
        var id = await ApprovedRequestAsync(bot);
        var link = await bot.WaitForLinkAsync("U0ALICE");
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal((HttpStatusCode)422, (await browser.SubmitAsync(link, bot.WrongCode(secret))).Status);
        }

        var locked = await browser.SubmitAsync(link, bot.WrongCode(secret));
        Assert.Equal((HttpStatusCode)423, locked.Status);
        Assert.Contains($"type jit confirm {id}", locked.Html, StringComparison.Ordinal);
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE event = 'mfa.locked' AND request_id = {id} AND actor = 'alice'"));
        Assert.Equal((HttpStatusCode)423, (await browser.OpenAsync(link)).Status);
        Assert.Equal(RequestStatus.Approved, (await bot.RequestAsync(id)).Status);

        var fresh = StepUpSteps.FindLink(await bot.CommandAsync("U0ALICE", $"confirm {id}"), "stepup")!;
        Assert.Equal("Confirmed", (await browser.SubmitAsync(fresh, bot.Code(secret))).Title);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
    }

    [Fact]
    public async Task WrongCodesAcrossFreshLinks_LockTheFactorItself()
    {
        await using var bot = await StartAsync("Requester", s => s["StepUp:MaxFactorFailures"] = "7");
        using var browser = new LinkBrowser();
        var secret = await bot.EnrollAsync("U0ALICE", browser);
        var id = await ApprovedRequestAsync(bot);
        var link = await bot.WaitForLinkAsync("U0ALICE");

        // A hijacked chat account mints a fresh link whenever one locks: the wrong codes still add up per person.
        for (var i = 0; i < 4; i++)
        {
            await browser.SubmitAsync(link, bot.WrongCode(secret));
        }

        link = StepUpSteps.FindLink(await bot.CommandAsync("U0ALICE", $"confirm {id}"), "stepup")!;
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal((HttpStatusCode)422, (await browser.SubmitAsync(link, bot.WrongCode(secret))).Status);
        }

        var locked = await browser.SubmitAsync(link, bot.WrongCode(secret));
        Assert.Equal((HttpStatusCode)423, locked.Status);
        Assert.Equal("Your second factor is locked", locked.Title);
        Assert.Equal(1, await bot.ScalarAsync("SELECT count(*) FROM jit.audit_log WHERE event = 'mfa.locked' AND details->>'scope' = 'factor'"));

        // A brand-new link offers no form any more: not even the right code can be entered.
        link = StepUpSteps.FindLink(await bot.CommandAsync("U0ALICE", $"confirm {id}"), "stepup")!;
        var page = await browser.OpenAsync(link);
        Assert.Equal((HttpStatusCode)423, page.Status);
        Assert.Equal("Your second factor is locked", page.Title);
        Assert.Contains("jit admin reset-mfa alice", page.Html, StringComparison.Ordinal);
        Assert.Equal(RequestStatus.Approved, (await bot.RequestAsync(id)).Status);
        Assert.False(await bot.HasRoleAsync(bot.LoginOf("alice")));
    }

    [Fact]
    public async Task ApproverStepUp_TheClickCountsOnlyAfterTheApproversCode()
    {
        await using var bot = await StartAsync("Approver");
        using var bobs = new LinkBrowser();
        var secret = await bot.EnrollAsync("U0BOB", bobs);
        var id = await bot.RequestAccessAsync();
        await bot.ClickApproveAsync("U0BOB", id);

        // The link is shown to bob alone, where he clicked; the click has not counted.
        var link = await bot.WaitForLinkAsync("U0BOB");
        var ephemeral = bot.Slack.CallsTo("chat.postEphemeral").Single(c => StepUpSteps.FindLink(c.Text, "stepup") is not null);
        Assert.Equal(BotHost.ApprovalChannel, ephemeral.Body["channel"]!.GetValue<string>());
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postEphemeral").Any(c => c.Text.Contains("counts only once you confirm it", StringComparison.Ordinal)), "the click's answer");
        await WaitForCardAsync(bot, "Approval by bob waiting for their second-factor confirmation");
        Assert.Equal(RequestStatus.Pending, (await bot.RequestAsync(id)).Status);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.decisions"));

        // The requester cannot use the approver's link.
        using var alices = new LinkBrowser();
        var aliceSecret = await bot.EnrollAsync("U0ALICE", alices);
        Assert.Contains("That code is not right", (await alices.SubmitAsync(link, bot.Code(aliceSecret))).Html, StringComparison.Ordinal);

        var page = await bobs.OpenAsync(link);
        Assert.Equal($"Confirm your approval of request #{id}", page.Title);
        Assert.Contains("<dd>bob (you)</dd>", page.Html, StringComparison.Ordinal);
        Assert.Contains("<dd>fix INC-1234</dd>", page.Html, StringComparison.Ordinal);
        var done = await bobs.SubmitAsync(link, bot.Code(secret));
        Assert.Equal("Approval confirmed", done.Title);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        Assert.True(await bot.HasRoleAsync(bot.LoginOf("alice")));
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE event = 'request.approved' AND request_id = {id} AND actor = 'bob' AND details->>'second_factor' = 'verified'"));
        Assert.Equal(1, await bot.ScalarAsync("SELECT count(*) FROM jit.decisions WHERE approver_id = 'bob' AND platform = 'slack'"));
    }

    [Fact]
    public async Task ApproverStepUp_AfterTheRequestWasDenied_ChangesNothing()
    {
        await using var bot = await StartAsync("Approver");
        using var browser = new LinkBrowser();
        var secret = await bot.EnrollAsync("U0BOB", browser);
        var id = await bot.RequestAccessAsync();
        await bot.ClickApproveAsync("U0BOB", id);
        var link = await bot.WaitForLinkAsync("U0BOB");
        using (var deny = await bot.DenyAsync("U0DAVE", id))
        {
            Assert.Equal(HttpStatusCode.OK, deny.StatusCode);
        }

        await bot.WaitForStatusAsync(id, RequestStatus.Denied);
        var page = await browser.OpenAsync(link);
        Assert.Equal(HttpStatusCode.Conflict, page.Status);
        Assert.Contains("denied by dave", page.Html, StringComparison.Ordinal);
        Assert.Equal(1, await bot.ScalarAsync("SELECT count(*) FROM jit.decisions"));
        Assert.Equal(RequestStatus.Denied, (await bot.RequestAsync(id)).Status);
    }

    [Fact]
    public async Task Both_AnApproverWithoutAFactorEnrollsFirst_ThenTheRequesterConfirms_ThenTheRoleIsGranted()
    {
        await using var bot = await StartAsync("Both");
        using var alices = new LinkBrowser();
        var aliceSecret = await bot.EnrollAsync("U0ALICE", alices);
        var id = await bot.RequestAccessAsync();
        await bot.ClickApproveAsync("U0BOB", id);

        var enroll = await bot.WaitForLinkAsync("U0BOB", "enroll");
        Assert.Contains("counts only once you confirm it with your second factor, and you have not set one up yet", bot.LinksSentTo("U0BOB", "enroll")[0].Text, StringComparison.Ordinal);
        using var bobs = new LinkBrowser();
        var bobSecret = await bot.CompleteEnrollmentAsync(enroll, bobs);
        var approverLink = await bot.WaitForLinkAsync("U0BOB");
        Assert.Equal(RequestStatus.Pending, (await bot.RequestAsync(id)).Status);
        Assert.Contains("now confirms it with their second factor", (await bobs.SubmitAsync(approverLink, bot.Code(bobSecret))).Html, StringComparison.Ordinal);

        await bot.WaitForStatusAsync(id, RequestStatus.Approved);
        var requesterLink = await bot.WaitForLinkAsync("U0ALICE");
        Assert.False(await bot.HasRoleAsync(bot.LoginOf("alice")));
        Assert.Equal("Confirmed", (await alices.SubmitAsync(requesterLink, bot.Code(aliceSecret))).Title);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        Assert.True(await bot.HasRoleAsync(bot.LoginOf("alice")));
        Assert.Equal(2, await bot.AuditCountAsync("stepup.verified", id));
    }

    [Fact]
    public async Task AStepUpFromANewDeviceAndNetwork_IsMarkedOnTheCardAndInTheAudit()
    {
        await using var bot = await StartAsync("Requester");
        var secret = await bot.EnrollAsync("U0ALICE");
        var id = await ApprovedRequestAsync(bot);
        var link = await bot.WaitForLinkAsync("U0ALICE");

        using var elsewhere = new LinkBrowser("127.0.0.2");
        var done = await elsewhere.SubmitAsync(link, bot.Code(secret));
        Assert.Equal("Confirmed", done.Title);
        Assert.Contains("came from a new device, new network", done.Html, StringComparison.Ordinal);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE event = 'stepup.verified' AND request_id = {id} AND details->>'new_device' = 'true' AND details->>'new_network' = 'true' AND details->>'address' = '127.0.0.2'"));
        await WaitForCardAsync(bot, "Second factor confirmed by the requester alice at");
        await WaitForCardAsync(bot, "— from a new device, new network");
        var request = await bot.RequestAsync(id);
        Assert.Equal(new StepUpRisk(true, true), Assert.Single(request.StepUps).Risk);
    }

    [Fact]
    public async Task BlockRiskyStepUp_RefusesAStepUpFromANewNetwork_AndTellsThePersonWhomToContact()
    {
        await using var bot = await StartAsync("Requester", s => s["Roles:prod-db-read:BlockRiskyStepUp"] = "true");
        using var home = new LinkBrowser();
        var secret = await bot.EnrollAsync("U0ALICE", home);
        var id = await ApprovedRequestAsync(bot);
        var link = await bot.WaitForLinkAsync("U0ALICE");

        // The same browser (its device cookie) on another network.
        using var travelling = new LinkBrowser("127.0.0.2", home.Cookies);
        var refused = await travelling.SubmitAsync(link, bot.Code(secret));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal("Confirmation refused", refused.Title);
        Assert.Contains("Contact an approver of prod-db-read (bob, dave)", refused.Html, StringComparison.Ordinal);
        Assert.Contains("new network", refused.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("new device", refused.Html, StringComparison.Ordinal);

        var failed = await bot.WaitForStatusAsync(id, RequestStatus.Failed);
        Assert.Contains("new network", failed.FailureReason, StringComparison.Ordinal);
        Assert.False(await bot.HasRoleAsync(bot.LoginOf("alice")));
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE event = 'stepup.refused' AND request_id = {id} AND details->>'new_network' = 'true' AND details->>'new_device' = 'false'"));
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.known_networks WHERE address = '127.0.0.2'"));
        await WaitForCardAsync(bot, "Second-factor confirmation by the requester alice refused");

        // From home it goes through.
        var next = await ApprovedRequestAsync(bot);
        var homeLink = await bot.WaitForLinkAsync("U0ALICE", index: 1);
        bot.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal("Confirmed", (await home.SubmitAsync(homeLink, bot.Code(secret))).Title);
        await bot.WaitForStatusAsync(next, RequestStatus.Active);
    }

    [Fact]
    public async Task ARefusedApprover_CanClickAgain_AndConfirmFromAKnownNetwork()
    {
        await using var bot = await StartAsync("Approver", s => s["Roles:prod-db-read:BlockRiskyStepUp"] = "true");
        using var office = new LinkBrowser();
        var secret = await bot.EnrollAsync("U0BOB", office);
        var id = await bot.RequestAccessAsync();
        await bot.ClickApproveAsync("U0BOB", id);
        var link = await bot.WaitForLinkAsync("U0BOB");

        using var cafe = new LinkBrowser("127.0.0.2", office.Cookies);
        var refused = await cafe.SubmitAsync(link, bot.Code(secret));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains($"Your approval of request #{id} was not counted", refused.Html, StringComparison.Ordinal);
        await WaitForCardAsync(bot, "Second-factor confirmation by approver bob refused");
        Assert.Equal(RequestStatus.Pending, (await bot.RequestAsync(id)).Status);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.decisions"));

        await bot.ClickApproveAsync("U0BOB", id);
        var again = await bot.WaitForLinkAsync("U0BOB", index: 1);
        bot.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal("Approval confirmed", (await office.SubmitAsync(again, bot.Code(secret))).Title);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        Assert.Equal(1, await bot.AuditCountAsync("stepup.refused", id));
        Assert.Equal(1, await bot.AuditCountAsync("stepup.verified", id));

        // The requester heard about the approval, never about the refused attempt.
        Assert.DoesNotContain(bot.Slack.CallsTo("chat.postMessage"), c => c.Body["channel"]?.GetValue<string>() == "DU0ALICE" && c.Text.Contains("refused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ForwardedFor_IsBelievedOnlyFromATrustedProxy()
    {
        await using var bot = await StartAsync("Requester", s => s["StepUp:TrustedProxies:0"] = "127.0.0.1");
        using (var proxied = new LinkBrowser(forwardedFor: "203.0.113.7"))
        {
            await bot.EnrollAsync("U0ALICE", proxied);
        }

        Assert.Equal(1, await bot.ScalarAsync("SELECT count(*) FROM jit.known_networks WHERE person_id = 'alice' AND address = '203.0.113.7'"));

        using (var untrusted = new LinkBrowser("127.0.0.2", forwardedFor: "203.0.113.8"))
        {
            await bot.EnrollAsync("U0CAROL", untrusted);
        }

        Assert.Equal(1, await bot.ScalarAsync("SELECT count(*) FROM jit.known_networks WHERE person_id = 'carol' AND address = '127.0.0.2'"));
    }

    [Fact]
    public async Task TheGrantJob_DoesNotGrant_WhileTheRequesterHasNotConfirmed()
    {
        await using var bot = await StartAsync("Requester");
        var id = await ApprovedRequestAsync(bot);
        Assert.Equal(GrantOutcome.NothingToDo, await bot.Service<Granter>().GrantAsync(id, CancellationToken.None));
        Assert.Equal(RequestStatus.Approved, (await bot.RequestAsync(id)).Status);
        Assert.False(await bot.HasRoleAsync(bot.LoginOf("alice")));
    }

    [Fact]
    public async Task Links_AreBuiltFromThePublicBaseUrl()
    {
        await using var bot = await StartAsync("Requester", s => s["StepUp:PublicBaseUrl"] = "https://jit.example.test/chatops");
        var link = await bot.EnrollLinkAsync("U0ALICE");
        Assert.StartsWith("https://jit.example.test/chatops/enroll/", link.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoInstances_ShareTheKeyRing_SoEitherChecksCodesAndDeviceCookies()
    {
        await using var first = await StartAsync("Requester");
        using var browser = new LinkBrowser();
        var secret = await first.EnrollAsync("U0ALICE", browser);
        await using var second = await BotHost.StartAsync(s => s["Roles:prod-db-read:StepUp"] = "Requester", shareDatabaseWith: first);

        var id = await second.RequestAccessAsync();
        await second.ClickApproveAsync("U0BOB", id);
        var link = await first.WaitForLinkAsync("U0ALICE");
        var onSecond = new Uri(second.Http.BaseAddress!, link.AbsolutePath);
        var done = await browser.SubmitAsync(onSecond, second.Code(secret));
        Assert.Equal("Confirmed", done.Title);
        Assert.DoesNotContain("new device", done.Html, StringComparison.Ordinal);
        await second.WaitForStatusAsync(id, RequestStatus.Active);
    }
}
