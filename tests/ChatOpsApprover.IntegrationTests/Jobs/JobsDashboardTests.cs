using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Jobs;

/// <summary>Hangfire's dashboard: closed (not even mapped) by default; otherwise read-only behind HTTP Basic.</summary>
public sealed class JobsDashboardTests
{
    private const string User = "ops";
    private const string Password = "dashboard-password-0123456789";

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static async Task<HttpResponseMessage> SendAsync(BotHost bot, HttpMethod method, string path, AuthenticationHeaderValue? authorization, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = authorization;
        return await bot.Http.SendAsync(request);
    }

    [Fact]
    public async Task Dashboard_IsNotMapped_WhenNoUserIsConfigured()
    {
        await using var bot = await BotHost.StartAsync();
        using var response = await SendAsync(bot, HttpMethod.Get, "/hangfire", Basic(User, Password));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Dashboard_NeedsTheConfiguredUser_AndIsReadOnly()
    {
        await using var bot = await BotHost.StartAsync(s =>
        {
            s["Hangfire:DashboardUser"] = User;
            s["Hangfire:DashboardPassword"] = Password;
        });

        foreach (var authorization in new[] { null, Basic(User, "wrong-password-0123456789"), Basic("admin", Password), new AuthenticationHeaderValue("Basic", "not base64!") })
        {
            using var refused = await SendAsync(bot, HttpMethod.Get, "/hangfire", authorization);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("Basic", refused.Headers.WwwAuthenticate.Single().Scheme);
        }

        using var page = await SendAsync(bot, HttpMethod.Get, "/hangfire/recurring", Basic(User, Password));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("revocation-reconcile", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Read-only: commands such as "trigger now" or "delete" are refused.
        foreach (var command in new[] { "/hangfire/recurring/trigger", "/hangfire/recurring/remove" })
        {
            using var refused = await SendAsync(bot, HttpMethod.Post, command, Basic(User, Password), new FormUrlEncodedContent([new("jobs[]", "revocation-reconcile")]));
            Assert.False(refused.IsSuccessStatusCode, $"{command} answered {(int)refused.StatusCode}");
        }

        using var still = await SendAsync(bot, HttpMethod.Get, "/hangfire/recurring", Basic(User, Password));
        Assert.Contains("revocation-reconcile", await still.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Hangfire:DashboardUser", "ops", "set both")]
    [InlineData("Hangfire:DashboardPassword", "dashboard-password-0123456789", "set both")]
    [InlineData("Audit:ExportToken", "short", "Audit:ExportToken")]
    public async Task IncompleteOrWeakSecrets_StopStartUp_NamingTheKey(string key, string value, string expected)
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => BotHost.StartAsync(s => s[key] = value));
        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }
}
