using System.Globalization;
using System.Net;
using System.Text;
using ChatOpsApprover.Chat.Slack;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Hosting;

/// <summary>
/// A feature the configuration does not use costs no memory: its libraries are never loaded (so never JIT-compiled),
/// and the bot still answers. Checked on the real binary as its own process, whose mapped files /proc lists.
/// </summary>
public sealed class UnconfiguredFeatureTests
{
    [Fact]
    public async Task WithoutTeams_MsalIsNeverLoaded_AndSlackIsAnswered()
    {
        var environment = BotProcess.OnDatabase(await TestPostgres.CreateDatabaseAsync());
        environment["Slack__SigningSecret"] = BotHost.SigningSecret;
        environment["Slack__BotToken"] = "xoxb-unconfigured-features";
        using var bot = BotProcess.StartOnFreePort(environment);
        await bot.WaitForHealthAsync();

        using var http = new HttpClient { BaseAddress = bot.BaseAddress };
        foreach (var text in new[] { "help", "roles", "list" })
        {
            var body = BotHost.CommandBody("U0NOBODY", text);
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/slack/commands")
            {
                Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
            };
            request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
            request.Headers.Add("X-Slack-Signature", SlackSignatureVerifier.Compute(BotHost.SigningSecret, timestamp, Encoding.UTF8.GetBytes(body)));
            using var answer = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Contains("ephemeral", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var mapped = await File.ReadAllTextAsync($"/proc/{bot.Process.Id}/maps");
        Assert.Contains("ChatOpsApprover.dll", mapped, StringComparison.Ordinal);
        Assert.DoesNotContain("Microsoft.Identity.Client.dll", mapped, StringComparison.Ordinal);
    }
}
