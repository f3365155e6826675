using System.Net;
using System.Text;
using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.StepUp;

/// <summary>
/// X-Forwarded-For and X-Forwarded-Proto are believed from the proxies in StepUp:TrustedProxies only, and then for
/// every endpoint. (StepUpTests covers one trusted proxy, an untrusted sender, and Secure cookies behind a proxy.)
/// </summary>
public sealed class TrustedProxyHeadersTests
{
    private static Task<long> KnownNetworksAsync(BotHost bot, string person, string address) =>
        bot.ScalarAsync($"SELECT count(*) FROM jit.known_networks WHERE person_id = '{person}' AND address = '{address}'");

    private static string AntiforgeryCookie(LinkResponse page) =>
        page.Response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("jit-antiforgery=", StringComparison.Ordinal));

    [Fact]
    public async Task WithNoTrustedProxy_ForwardedHeadersAreIgnored()
    {
        await using var bot = await BotHost.StartAsync();
        using (var forging = new LinkBrowser(forwardedFor: "203.0.113.9", forwardedProto: "https"))
        {
            var link = await bot.EnrollLinkAsync("U0ALICE");
            var page = await forging.OpenAsync(link);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            Assert.DoesNotContain("secure", AntiforgeryCookie(page), StringComparison.OrdinalIgnoreCase);
            await bot.CompleteEnrollmentAsync(link, forging, page);
        }

        Assert.Equal(1, await KnownNetworksAsync(bot, "alice", "127.0.0.1"));
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.known_networks WHERE address = '203.0.113.9'"));
    }

    [Fact]
    public async Task ThroughAChainOfTrustedProxies_TheClientIsTheRightMostHopThatIsNotOne()
    {
        await using var bot = await BotHost.StartAsync(s =>
        {
            s["StepUp:TrustedProxies:0"] = "127.0.0.1";
            s["StepUp:TrustedProxies:1"] = "10.0.0.5";
        });

        // What the client itself put first is not believed: only what the trusted proxies saw.
        using (var chained = new LinkBrowser(forwardedFor: "198.51.100.1, 203.0.113.7, 10.0.0.5"))
        {
            await bot.EnrollAsync("U0ALICE", chained);
        }

        Assert.Equal(1, await KnownNetworksAsync(bot, "alice", "203.0.113.7"));

        // A hop that is not a trusted proxy ends the walk: it is the client, whatever it forwarded.
        using (var relayed = new LinkBrowser(forwardedFor: "203.0.113.8, 192.0.2.44"))
        {
            await bot.EnrollAsync("U0CAROL", relayed);
        }

        Assert.Equal(1, await KnownNetworksAsync(bot, "carol", "192.0.2.44"));
    }

    [Fact]
    public async Task AnUntrustedSender_CannotClaimHttps()
    {
        await using var bot = await BotHost.StartAsync(s => s["StepUp:TrustedProxies:0"] = "127.0.0.1");
        using var untrusted = new LinkBrowser("127.0.0.2", forwardedProto: "https");
        var page = await untrusted.OpenAsync(await bot.EnrollLinkAsync("U0ALICE"));
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.DoesNotContain("secure", AntiforgeryCookie(page), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TheChatEndpoints_SeeTheClientBehindATrustedProxy_Too()
    {
        await using var bot = await BotHost.StartAsync(s =>
        {
            s["StepUp:TrustedProxies:0"] = "127.0.0.1";
            s["Audit:SignatureFailureThreshold"] = "1";
        });
        using (var forged = new HttpRequestMessage(HttpMethod.Post, "/slack/commands"))
        {
            forged.Content = new StringContent(BotHost.CommandBody("U0ALICE", "list"), Encoding.UTF8, "application/x-www-form-urlencoded");
            forged.Headers.Add("X-Slack-Request-Timestamp", bot.Time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
            forged.Headers.Add("X-Slack-Signature", "v0=forged");
            forged.Headers.Add("X-Forwarded-For", "203.0.113.9");
            using var response = await bot.Http.SendAsync(forged);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        bot.Time.Advance(SignatureFailureMonitor.Window);
        await Wait.UntilAsync(async () => await bot.AuditCountAsync(AuditEvents.SecuritySignatureFailures) == 1, "the burst's audit entry");
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE event = '{AuditEvents.SecuritySignatureFailures}' AND details->>'sources' = '203.0.113.9'"));
    }
}
