using System.Text.Json;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Observability;

/// <summary>
/// Logging:Format=json from the real process: every line of its output is one JSON object, entries say which request,
/// platform and person they are about, and no secret is ever written (the JSON side of
/// EnrollmentTests.Secrets_AreEncryptedAtRest_AndNeverLogged_AndTheKeyRingLivesInPostgres).
/// </summary>
public sealed class JsonLogTests
{
    private const string MetricsToken = "metrics-token-for-the-log-test-0123456789";

    [Fact]
    public async Task JsonLogs_AreOneObjectPerLine_WithRequestPlatformAndPerson_AndNoSecrets()
    {
        await using var bot = await ObservedBot.StartAsync(new Dictionary<string, string>
        {
            ["Logging__Format"] = "json",
            ["Logging__LogLevel__Default"] = "Debug",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Debug",
            ["Logging__LogLevel__Hangfire"] = "Debug",
            ["Metrics__Enabled"] = "true",
            ["Metrics__Token"] = MetricsToken,
        });
        var (id, secret, linkTokens) = await bot.RequestApproveConfirmAsync();
        using (var scrape = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new("Bearer", MetricsToken) } })
        using (var scraped = await bot.Http.SendAsync(scrape))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, scraped.StatusCode);
        }

        await Wait.UntilAsync(() => bot.Process.Output.Contains($"Request {id} granted", StringComparison.Ordinal), "the grant's log entry");

        var lines = bot.Process.Output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length > 20, bot.Process.Output);
        var entries = new List<JsonElement>();
        foreach (var line in lines)
        {
            try
            {
                using var document = JsonDocument.Parse(line);
                Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
                entries.Add(document.RootElement.Clone());
            }
            catch (JsonException e)
            {
                Assert.Fail($"Not one JSON object per line ({e.Message}): {line}");
            }
        }

        Assert.All(entries, e =>
        {
            Assert.True(e.TryGetProperty("Timestamp", out _), e.ToString());
            Assert.True(e.TryGetProperty("LogLevel", out _), e.ToString());
            Assert.True(e.TryGetProperty("Category", out _), e.ToString());
            Assert.True(e.TryGetProperty("Message", out _), e.ToString());
        });

        // alice's request: the HTTP request id, her platform and her person id; the grant job: the access request's id.
        var request = Assert.Single(entries, e => Message(e).StartsWith($"Access request {id} ", StringComparison.Ordinal));
        Assert.Equal("slack", Scope(request, "Platform"));
        Assert.Equal("alice", Scope(request, "PersonId"));
        Assert.Equal("U0ALICE", Scope(request, "ChatUserId"));
        Assert.False(string.IsNullOrEmpty(Scope(request, "RequestId")), request.ToString());
        var granted = Assert.Single(entries, e => Message(e).StartsWith($"Request {id} granted", StringComparison.Ordinal));
        Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), Scope(granted, "AccessRequestId"));

        var output = bot.Process.Output;
        string[] secrets = [BotHost.SigningSecret, BotHost.BotToken, BotHost.KeyEncryptionKey, MetricsToken, secret, .. linkTokens];
        Assert.All(secrets, s => Assert.True(!output.Contains(s, StringComparison.Ordinal), string.Join("\n", lines.Where(l => l.Contains(s, StringComparison.Ordinal)))));
    }

    private static string Message(JsonElement entry) => entry.GetProperty("Message").GetString() ?? string.Empty;

    /// <summary>A value from the entry's scopes (ASP.NET Core's and ours), as text; null when absent.</summary>
    private static string? Scope(JsonElement entry, string key) =>
        entry.TryGetProperty("Scopes", out var scopes)
            ? scopes.EnumerateArray()
                .Where(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty(key, out _))
                .Select(s => s.GetProperty(key).ToString())
                .FirstOrDefault()
            : null;
}
