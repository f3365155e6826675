using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using ChatOpsApprover.IntegrationTests.Infrastructure;
using Npgsql;

namespace ChatOpsApprover.IntegrationTests.Health;

/// <summary>
/// GET /readyz over real HTTP: 200 with every check listed when the instance can serve, 503 naming what is not ready
/// otherwise; GET /healthz (liveness) fails only when the database does.
/// </summary>
public sealed class ReadinessTests
{
    private static readonly string[] EveryCheck = ["database", "hangfire", "slack", "teams", "data-protection"];

    [Fact]
    public async Task EverythingReady_Answers200_ListingEveryCheck()
    {
        await using var bot = await BotHost.StartAsync();
        var ready = await WaitForReadinessAsync(bot, []);

        Assert.Equal("ready", ready["status"]!.GetValue<string>());
        Assert.Equal(EveryCheck.Order(), Checks(ready).Select(c => c.Name).Order());
        Assert.All(Checks(ready), c => Assert.Equal("ready", c.Status));
        Assert.Contains("running", Detail(ready, "hangfire"), StringComparison.Ordinal);
        Assert.Contains("readable", Detail(ready, "data-protection"), StringComparison.Ordinal);
        Assert.Equal("ok", await bot.Http.GetStringAsync("/healthz"));
    }

    [Fact]
    public async Task DatabaseDown_NotReadyAndNotLive_UntilItIsBack()
    {
        var cluster = await TestPostgres.RequireClusterAsync();
        await using var proxy = new TcpProxy(cluster.Port);
        await using var bot = await BotHost.StartAsync(s =>
            s["ConnectionStrings:Postgres"] = new NpgsqlConnectionStringBuilder(s["ConnectionStrings:Postgres"]) { Port = proxy.Port, Timeout = 2 }.ConnectionString);
        await WaitForReadinessAsync(bot, []);

        proxy.Down();
        var down = await WaitForReadinessAsync(bot, ["database", "hangfire", "data-protection"]);
        Assert.Equal("not ready", down["status"]!.GetValue<string>());
        Assert.Equal("database unreachable", Detail(down, "database"));
        using (var live = await bot.Http.GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, live.StatusCode);
            Assert.Equal("database unreachable", await live.Content.ReadAsStringAsync());
        }

        proxy.Up();
        await WaitForReadinessAsync(bot, []);
    }

    [Fact]
    public async Task HangfireServerGone_NotReady_ButStillLive_UntilItIsBack()
    {
        await using var bot = await BotHost.StartAsync();
        await WaitForReadinessAsync(bot, []);

        // What another server's watchdog does to a server whose heartbeats stopped; this one restarts at its next heartbeat.
        await bot.ScalarAsync("WITH gone AS (DELETE FROM hangfire.server RETURNING 1) SELECT count(*) FROM gone");

        var gone = await WaitForReadinessAsync(bot, ["hangfire"]);
        Assert.Contains("not running", Detail(gone, "hangfire"), StringComparison.Ordinal);
        Assert.Equal("ok", await bot.Http.GetStringAsync("/healthz"));
        await WaitForReadinessAsync(bot, []);
    }

    [Fact]
    public async Task KeyRingWrittenUnderAnotherKeyEncryptionKey_NotReady()
    {
        await using var first = await BotHost.StartAsync();
        await WaitForReadinessAsync(first, []);

        await using var second = await BotHost.StartAsync(
            s => s["DataProtection:KeyEncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            shareDatabaseWith: first);
        var notReady = await WaitForReadinessAsync(second, ["data-protection"]);
        Assert.Contains("cannot be decrypted", Detail(notReady, "data-protection"), StringComparison.Ordinal);
        Assert.Contains("DataProtection:KeyEncryptionKey", Detail(notReady, "data-protection"), StringComparison.Ordinal);

        // Data Protection gave the second instance a key of its own at start, which the first cannot read either: the
        // instances cannot open each other's sealed secrets, and both say so.
        await WaitForReadinessAsync(first, ["data-protection"]);

        // The probe itself never adds a key beside keys it cannot read.
        var keys = await first.ScalarAsync("SELECT count(*) FROM jit.data_protection_keys");
        await WaitForReadinessAsync(second, ["data-protection"]);
        await WaitForReadinessAsync(first, ["data-protection"]);
        Assert.Equal(keys, await first.ScalarAsync("SELECT count(*) FROM jit.data_protection_keys"));
    }

    [Fact]
    public async Task SlackUsedWithoutItsBotToken_NotReady_NamingTheKey()
    {
        await using var bot = await BotHost.StartAsync(s => s["Slack:BotToken"] = "");
        var notReady = await WaitForReadinessAsync(bot, ["slack"]);

        Assert.Equal("Slack:BotToken not set, but Slack is used (People:alice:Slack)", Detail(notReady, "slack"));
        Assert.Equal("ok", await bot.Http.GetStringAsync("/healthz"));

        // However often it is asked, the log says it once.
        await WaitForReadinessAsync(bot, ["slack"]);
        Assert.Single(bot.Logs.Lines, l => l.Contains("Health check slack fails: Slack:BotToken not set", StringComparison.Ordinal));
        Assert.DoesNotContain(bot.Logs.Lines, l => l.Contains("Microsoft.Extensions.Diagnostics.HealthChecks", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PlatformsNobodyConfigured_DoNotHoldReadiness()
    {
        // Teams only (its app id left empty: off), and nothing at all for Slack.
        await using var bot = await BotHost.StartAsync(s =>
        {
            foreach (var key in s.Keys.Where(k => k.StartsWith("Slack:", StringComparison.Ordinal) || k.EndsWith(":Slack", StringComparison.Ordinal) || k.EndsWith(":SlackChannel", StringComparison.Ordinal)).ToList())
            {
                s.Remove(key);
            }

            s["Teams:AppId"] = "";

            // Without a chat app the sandbox would play Slack, with credentials of its own.
            s["Sandbox:Enabled"] = "false";
        });
        var ready = await WaitForReadinessAsync(bot, []);

        Assert.Equal("Slack is not configured", Detail(ready, "slack"));
        Assert.Equal("Teams is not configured (Teams:AppId is empty)", Detail(ready, "teams"));
    }

    /// <summary>Asks /readyz until exactly <paramref name="notReady"/> are not ready (none: 200), and returns that answer.</summary>
    private static async Task<JsonNode> WaitForReadinessAsync(BotHost bot, string[] notReady)
    {
        var expected = notReady.Length == 0 ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable;
        return await Wait.UntilAsync(async () =>
        {
            using var response = await bot.Http.GetAsync("/readyz");
            Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            var names = body["notReady"]!.AsArray().Select(n => n!.GetValue<string>()).Order();
            return response.StatusCode == expected && names.SequenceEqual(notReady.Order()) ? body : null;
        }, $"/readyz to answer {(int)expected} with not ready: [{string.Join(", ", notReady)}]");
    }

    private static IEnumerable<(string Name, string Status, string Detail)> Checks(JsonNode body) =>
        body["checks"]!.AsArray().Select(c => (c!["name"]!.GetValue<string>(), c["status"]!.GetValue<string>(), c["detail"]!.GetValue<string>()));

    private static string Detail(JsonNode body, string check) => Checks(body).Single(c => c.Name == check).Detail;
}
