using System.Net;
using ChatOpsApprover.IntegrationTests.Infrastructure;
using OtpNet;
using Totp = ChatOpsApprover.StepUp.Totp;

namespace ChatOpsApprover.IntegrationTests.StepUp;

/// <summary>TOTP enrollment through the real pages: jit enroll → link → QR and secret → confirming code → active factor.</summary>
public sealed class EnrollmentTests
{
    [Fact]
    public async Task Enroll_ShowsQrAndSecret_AndActivatesOnlyAfterAValidCode()
    {
        await using var bot = await BotHost.StartAsync();
        var link = await bot.EnrollLinkAsync("U0ALICE");
        using var browser = new LinkBrowser();

        var page = await browser.OpenAsync(link);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("<img id=\"qr\" src=\"data:image/png;base64,", page.Html, StringComparison.Ordinal);
        Assert.Contains("This link is for <strong id=\"person\">alice</strong>", page.Html, StringComparison.Ordinal);
        Assert.Contains("otpauth://totp/ChatOpsApprover:alice?secret=" + page.Secret + "&amp;issuer=ChatOpsApprover&amp;algorithm=SHA1&amp;digits=6&amp;period=30", page.Html, StringComparison.Ordinal);
        Assert.Equal(32, page.Secret!.Length);
        Assert.Contains("autocomplete=\"one-time-code\"", page.Html, StringComparison.Ordinal);
        Assert.Contains("inputmode=\"numeric\"", page.Html, StringComparison.Ordinal);
        Assert.Contains("<label for=\"code\">", page.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", page.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http", page.Html.Replace(link.AbsoluteUri, string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.StartsWith("default-src 'none'; style-src 'nonce-", page.Header("Content-Security-Policy"), StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", page.Header("Content-Security-Policy"), StringComparison.Ordinal);
        Assert.Equal("no-store", page.Header("Cache-Control"));
        Assert.Equal("no-referrer", page.Header("Referrer-Policy"));
        Assert.Equal("nosniff", page.Header("X-Content-Type-Options"));

        // Looking at the page changes nothing; a wrong code does not activate the factor.
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.mfa_factors WHERE active"));
        var secret = Base32Encoding.ToBytes(page.Secret);
        var wrong = await browser.SubmitAsync(link, bot.WrongCode(secret));
        Assert.Equal((HttpStatusCode)422, wrong.Status);
        Assert.Contains("That code is not right", wrong.Html, StringComparison.Ordinal);
        Assert.Contains("4 attempts left", wrong.Html, StringComparison.Ordinal);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.mfa_factors WHERE active"));

        var done = await browser.SubmitAsync(link, bot.Code(secret));
        Assert.Equal(HttpStatusCode.OK, done.Status);
        Assert.Equal("Your second factor is set up", done.Title);
        Assert.Equal(1, await bot.ScalarAsync("SELECT count(*) FROM jit.mfa_factors WHERE active AND person_id = 'alice'"));
        Assert.Equal(1, await bot.ScalarAsync("SELECT count(*) FROM jit.audit_log WHERE event = 'mfa.enrolled' AND actor = 'alice' AND request_id IS NULL"));
        Assert.Contains(browser.Cookies.GetAllCookies(), c => c.Name == "jit-device" && c.HttpOnly);

        // The link works once.
        var again = await browser.OpenAsync(link);
        Assert.Equal(HttpStatusCode.Gone, again.Status);
        Assert.Equal("This link was already used", again.Title);
        Assert.Null(again.Secret);
    }

    [Fact]
    public async Task Secrets_AreEncryptedAtRest_AndNeverLogged_AndTheKeyRingLivesInPostgres()
    {
        await using var bot = await BotHost.StartAsync(logLevel: Microsoft.Extensions.Logging.LogLevel.Trace);
        var link = await bot.EnrollLinkAsync("U0ALICE");
        using var browser = new LinkBrowser();
        var secret = await bot.CompleteEnrollmentAsync(link, browser);
        var base32 = Totp.ToBase32(secret);

        await using var connection = new Npgsql.NpgsqlConnection(bot.ConnectionString);
        await connection.OpenAsync();
        await using (var read = new Npgsql.NpgsqlCommand("SELECT secret_protected FROM jit.mfa_factors WHERE person_id = 'alice'", connection))
        {
            var stored = (string)(await read.ExecuteScalarAsync())!;
            Assert.DoesNotContain(base32, stored, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToBase64String(secret), stored, StringComparison.Ordinal);
        }

        // The token is stored only as a hash; the key ring is in the database, encrypted with the configured key.
        Assert.Equal(0, await bot.ScalarAsync($"SELECT count(*) FROM jit.stepup_links WHERE encode(token_hash, 'escape') LIKE '%{link.Segments[^1]}%'"));
        Assert.True(await bot.ScalarAsync("SELECT count(*) FROM jit.data_protection_keys") >= 1);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.data_protection_keys WHERE xml LIKE '%<masterKey%'"));
        Assert.Equal(await bot.ScalarAsync("SELECT count(*) FROM jit.data_protection_keys"), await bot.ScalarAsync("SELECT count(*) FROM jit.data_protection_keys WHERE xml LIKE '%aesGcmEncryptedKey%'"));

        var logs = bot.Logs.All;
        Assert.NotEmpty(bot.Logs.Lines);
        Assert.DoesNotContain(base32, logs, StringComparison.Ordinal);
        Assert.True(!logs.Contains(link.Segments[^1], StringComparison.Ordinal), string.Join("\n", bot.Logs.Lines.Where(l => l.Contains(link.Segments[^1], StringComparison.Ordinal))));
    }

    [Fact]
    public async Task AnEnrolledPerson_CannotReEnroll_UntilAnotherAdminResetsTheirFactor()
    {
        await using var bot = await BotHost.StartAsync(s => s["People:dave:Admin"] = "true");
        await bot.EnrollAsync("U0ALICE");
        var refused = await bot.CommandAsync("U0ALICE", "enroll");
        Assert.Contains("You already have a second factor", refused, StringComparison.Ordinal);
        Assert.Null(StepUpSteps.FindLink(refused, "enroll"));

        Assert.Contains("Only an admin", await bot.CommandAsync("U0CAROL", "admin reset-mfa alice"), StringComparison.Ordinal);
        Assert.Contains("There is no person \"mallory\"", await bot.CommandAsync("U0ERIN", "admin reset-mfa mallory"), StringComparison.Ordinal);
        Assert.Equal(1, await bot.ScalarAsync("SELECT count(*) FROM jit.mfa_factors WHERE active"));
        Assert.Equal(0, await bot.AuditCountAsync("mfa.reset"));

        // An admin cannot reset their own factor: a hijacked admin session could otherwise swap it.
        await bot.EnrollAsync("U0ERIN");
        Assert.Contains("cannot reset your own", await bot.CommandAsync("U0ERIN", "admin reset-mfa erin"), StringComparison.Ordinal);

        var reset = await bot.CommandAsync("U0ERIN", "admin reset-mfa <@U0ALICE|alice>");
        Assert.Contains("alice's second factor was removed", reset, StringComparison.Ordinal);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.mfa_factors WHERE person_id = 'alice'"));
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.known_devices WHERE person_id = 'alice'"));
        Assert.Equal(1, await bot.ScalarAsync("SELECT count(*) FROM jit.audit_log WHERE event = 'mfa.reset' AND actor = 'erin' AND request_id IS NULL AND details->>'person' = 'alice'"));
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postMessage").Any(c => c.Body["channel"]?.GetValue<string>() == "DU0ALICE" && c.Text.Contains("reset by erin", StringComparison.Ordinal)), "the DM telling alice her factor was reset");

        await bot.EnrollAsync("U0ALICE");
        Assert.Equal(1, await bot.ScalarAsync("SELECT count(*) FROM jit.mfa_factors WHERE active AND person_id = 'alice'"));
    }

    [Fact]
    public async Task FiveWrongCodes_LockTheLink_AndTheLockIsAudited()
    {
        await using var bot = await BotHost.StartAsync();
        var link = await bot.EnrollLinkAsync("U0ALICE");
        using var browser = new LinkBrowser();
        var secret = Base32Encoding.ToBytes((await browser.OpenAsync(link)).Secret!);
        for (var i = 1; i <= 4; i++)
        {
            var wrong = await browser.SubmitAsync(link, bot.WrongCode(secret));
            Assert.Contains($"{5 - i} attempt", wrong.Html, StringComparison.Ordinal);
        }

        var locked = await browser.SubmitAsync(link, bot.WrongCode(secret));
        Assert.Equal((HttpStatusCode)423, locked.Status);
        Assert.Equal("This link is locked", locked.Title);
        Assert.Contains("type jit enroll", locked.Html, StringComparison.Ordinal);
        Assert.Equal(1, await bot.ScalarAsync("SELECT count(*) FROM jit.audit_log WHERE event = 'mfa.locked' AND actor = 'alice' AND request_id IS NULL"));

        // Even the right code changes nothing now: the link is checked before the form is read.
        var right = await browser.PostAsync(link, new() { ["__RequestVerificationToken"] = "x", ["code"] = bot.Code(secret) });
        Assert.Equal((HttpStatusCode)423, right.Status);
        Assert.Equal("This link is locked", right.Title);
        var page = await browser.OpenAsync(link);
        Assert.Equal((HttpStatusCode)423, page.Status);
        Assert.False(page.HasCodeForm);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.mfa_factors WHERE active"));

        // A new link (with a new secret) works.
        await bot.EnrollAsync("U0ALICE");
    }

    [Fact]
    public async Task BadEnrollmentLinks_GetAClearPage_AndChangeNothing()
    {
        await using var bot = await BotHost.StartAsync();
        var link = await bot.EnrollLinkAsync("U0ALICE");
        var token = link.Segments[^1];
        using var browser = new LinkBrowser();
        var secret = Base32Encoding.ToBytes((await browser.OpenAsync(link)).Secret!);
        var audit = await bot.ScalarAsync("SELECT count(*) FROM jit.audit_log");

        var tampered = new Uri(link, (token[0] == 'A' ? "B" : "A") + token[1..]);
        var cases = new (Uri Link, HttpStatusCode Status, string Title)[]
        {
            (tampered, HttpStatusCode.NotFound, "This link is not valid"),
            (new Uri(link, token[..20]), HttpStatusCode.NotFound, "This link is not valid"),
            (new Uri(link, "%3Cscript%3E"), HttpStatusCode.NotFound, "This link is not valid"),
            (new Uri(bot.Http.BaseAddress!, "stepup/" + token), HttpStatusCode.NotFound, "This link does not belong on this page"),
        };
        foreach (var (bad, status, title) in cases)
        {
            var page = await browser.OpenAsync(bad);
            Assert.Equal(status, page.Status);
            Assert.Equal(title, page.Title);
            Assert.Contains("Nothing was changed", page.Html, StringComparison.Ordinal);
            Assert.False(page.HasCodeForm);
            Assert.Equal("no-store", page.Header("Cache-Control"));
        }

        // A form post without the page's anti-forgery token is refused before the code is even looked at.
        var forged = await browser.PostAsync(link, new() { ["code"] = bot.Code(secret) });
        Assert.Equal(HttpStatusCode.BadRequest, forged.Status);
        Assert.Equal("This form could not be accepted", forged.Title);

        // A newer link replaces this one; and links expire.
        var newer = await bot.EnrollLinkAsync("U0ALICE");
        var replaced = await browser.OpenAsync(link);
        Assert.Equal(HttpStatusCode.Gone, replaced.Status);
        Assert.Equal("This link was replaced", replaced.Title);
        bot.Time.Advance(TimeSpan.FromMinutes(15));
        var expired = await browser.OpenAsync(newer);
        Assert.Equal(HttpStatusCode.Gone, expired.Status);
        Assert.Equal("This link has expired", expired.Title);
        Assert.Contains("type jit enroll", expired.Html, StringComparison.Ordinal);

        Assert.Equal(audit, await bot.ScalarAsync("SELECT count(*) FROM jit.audit_log"));
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.mfa_factors WHERE active"));
        Assert.Equal(0, await bot.ScalarAsync("SELECT coalesce(sum(failed_attempts), 0) FROM jit.stepup_links"));
    }
}
