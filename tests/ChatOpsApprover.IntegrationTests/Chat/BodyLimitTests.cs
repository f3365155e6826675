using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ChatOpsApprover.Chat.Slack;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Chat;

/// <summary>
/// Bodies arrive before authentication: every endpoint reads only what it needs and answers 413 beyond it, whether
/// the size is declared (Content-Length) or not (chunked), and nothing changes.
/// </summary>
public sealed class BodyLimitTests
{
    [Theory]
    [InlineData("/slack/commands", false)]
    [InlineData("/slack/commands", true)]
    [InlineData("/slack/interactions", false)]
    [InlineData("/slack/interactions", true)]
    public async Task SlackBodyOver32KB_Is413_EvenWhenSigned(string path, bool chunked)
    {
        await using var bot = await BotHost.StartAsync();
        var body = BotHost.CommandBody("U0ALICE", "request prod-db-read 1h " + new string('x', 40 * 1024));
        var timestamp = bot.Time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = Post(path, body, "application/x-www-form-urlencoded", chunked);
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", SlackSignatureVerifier.Compute(BotHost.SigningSecret, timestamp, Encoding.UTF8.GetBytes(body)));

        using var response = await bot.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.access_requests"));
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.slack_request_signatures"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SlackEventOver128KB_Is413_EvenWhenSigned(bool chunked)
    {
        await using var bot = await BotHost.StartAsync();
        var opened = BotHost.AppHomeOpened("U0ALICE");
        opened["event"]!["padding"] = new string('x', 140 * 1024);
        var body = opened.ToJsonString();
        var timestamp = bot.Time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = Post("/slack/events", body, "application/json", chunked);
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", SlackSignatureVerifier.Compute(BotHost.SigningSecret, timestamp, Encoding.UTF8.GetBytes(body)));

        using var response = await bot.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.slack_request_signatures"));
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.slack_home_tabs"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TeamsActivityOver128KB_Is413(bool chunked)
    {
        await using var bot = await BotHost.StartAsync();
        var activity = bot.TeamsMessage(TeamsIds.Alice, "jit request prod-db-read 1h " + new string('x', 140 * 1024));
        using var request = Post("/api/messages", activity.ToJsonString(), "application/json", chunked);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bot.Teams.MintToken(bot.Time.GetUtcNow(), bot.Teams.ServiceUrl.ToString()));

        using var response = await bot.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.access_requests"));
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.teams_inbound_activities"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CodeFormOver2KB_OnALiveLink_Is413_AndCostsNoAttempt(bool chunked)
    {
        await using var bot = await BotHost.StartAsync();
        var link = await bot.EnrollLinkAsync("U0ALICE");
        using var browser = new LinkBrowser();
        var page = await browser.OpenAsync(link);
        var form = $"__RequestVerificationToken={Uri.EscapeDataString(page.AntiforgeryToken!)}&code=123456&padding={new string('x', 3 * 1024)}";

        using var response = await bot.Http.SendAsync(Post(link.AbsolutePath, form, "application/x-www-form-urlencoded", chunked));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("This form is too large", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.stepup_links WHERE failed_attempts > 0"));
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.mfa_factors WHERE active"));

        // The page still works for the person.
        Assert.Equal(HttpStatusCode.OK, (await browser.OpenAsync(link)).Status);
    }

    [Theory]
    [InlineData("enroll")]
    [InlineData("stepup")]
    public async Task CodeForm_ToADeadLink_IsAnsweredFromTheLink_BeforeTheBodyIsRead(string kind)
    {
        await using var bot = await BotHost.StartAsync();
        var token = new string('A', 43);

        // A large chunked body: the answer comes from the link alone, so anti-forgery never reads the form.
        using var response = await bot.Http.SendAsync(Post($"/{kind}/{token}", "code=123456&padding=" + new string('x', 1024), "application/x-www-form-urlencoded", chunked: true));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("This link is not valid", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static HttpRequestMessage Post(string path, string body, string contentType, bool chunked)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        HttpContent content = chunked ? new StreamContent(new MemoryStream(bytes)) : new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType) { CharSet = contentType.EndsWith("json", StringComparison.Ordinal) ? "utf-8" : null };
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (chunked)
        {
            request.Headers.TransferEncodingChunked = true;
        }

        return request;
    }
}
