using System.Net;
using System.Text.Json.Nodes;
using ChatOpsApprover.IntegrationTests.Infrastructure;
using OtpNet;

namespace ChatOpsApprover.IntegrationTests.StepUp;

/// <summary>
/// An enrollment link shows its secret and QR code once: a second visit (a link scanner, a prefetcher, someone with the
/// proxy log) sees that the link was opened, only the code form, and how to get a fresh link; and no message carrying a
/// link is unfurled by Slack.
/// </summary>
public sealed class EnrollmentSecretShownOnceTests
{
    [Fact]
    public async Task SecondVisit_ShowsNoSecret_ButTheCodeSeenFirstStillCompletesEnrollment()
    {
        await using var bot = await BotHost.StartAsync();
        var link = await bot.EnrollLinkAsync("U0ALICE");
        using var person = new LinkBrowser();
        var first = await person.OpenAsync(link);
        Assert.NotNull(first.Secret);

        using var scanner = new LinkBrowser("127.0.0.9");
        var second = await scanner.OpenAsync(link);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal("This link was already opened", second.Title);
        Assert.Null(second.Secret);
        Assert.DoesNotContain("otpauth://", second.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("data:image/png", second.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(first.Secret, second.Html, StringComparison.Ordinal);
        Assert.Contains("jit enroll", second.Html, StringComparison.Ordinal);

        // A wrong code shows no secret either; the person who added the key at the first visit still finishes.
        var secret = Base32Encoding.ToBytes(first.Secret);
        var wrong = await person.SubmitAsync(link, bot.WrongCode(secret));
        Assert.Equal((HttpStatusCode)422, wrong.Status);
        Assert.Null(wrong.Secret);
        var done = await person.SubmitAsync(link, bot.Code(secret));
        Assert.Equal("Your second factor is set up", done.Title);
        Assert.Equal(1, await bot.ScalarAsync("SELECT count(*) FROM jit.mfa_factors WHERE active AND person_id = 'alice'"));
    }

    [Fact]
    public async Task ALinkOpenedBySomeoneElse_IsReplacedBy_AFreshJitEnroll_ThatShowsANewSecret()
    {
        await using var bot = await BotHost.StartAsync();
        var link = await bot.EnrollLinkAsync("U0ALICE");
        using var scanner = new LinkBrowser("127.0.0.9");
        var seenByScanner = (await scanner.OpenAsync(link)).Secret!;

        var fresh = await bot.EnrollLinkAsync("U0ALICE");
        using var person = new LinkBrowser();
        var page = await person.OpenAsync(fresh);
        Assert.NotNull(page.Secret);
        Assert.NotEqual(seenByScanner, page.Secret);
        Assert.Equal("This link was replaced", (await scanner.OpenAsync(link)).Title);

        await bot.CompleteEnrollmentAsync(fresh, person, page);
        Assert.Equal(1, await bot.ScalarAsync("SELECT count(*) FROM jit.mfa_factors WHERE active AND person_id = 'alice'"));
    }

    [Fact]
    public async Task MessagesCarryingLinks_AreNotUnfurled()
    {
        await using var bot = await BotHost.StartAsync(s => s["Roles:prod-db-read:StepUp"] = "Requester");
        using var reply = await bot.PostSignedAsync("/slack/commands", BotHost.CommandBody("U0ALICE", "enroll"));
        var json = JsonNode.Parse(await reply.Content.ReadAsStringAsync())!;
        Assert.Contains("/enroll/", json["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(json["unfurl_links"]!.GetValue<bool>());
        Assert.False(json["unfurl_media"]!.GetValue<bool>());

        // The step-up link goes out by DM or ephemeral message: neither is unfurled.
        await bot.EnrollAsync("U0ALICE");
        var id = await bot.RequestAccessAsync();
        await bot.ClickApproveAsync("U0BOB", id);
        await bot.WaitForLinkAsync("U0ALICE");
        var carrying = bot.Slack.Calls.Where(c => c.Method is "chat.postMessage" or "chat.postEphemeral" && StepUpSteps.FindLink(c.Text, "stepup") is not null).ToList();
        Assert.NotEmpty(carrying);
        Assert.All(carrying, c =>
        {
            Assert.False(c.Body["unfurl_links"]!.GetValue<bool>());
            Assert.False(c.Body["unfurl_media"]!.GetValue<bool>());
        });
    }
}
