using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;
using Npgsql;

namespace ChatOpsApprover.IntegrationTests.Audit;

/// <summary>GET /audit/export and GET /audit/verify: token-protected, filtered by time, JSON Lines or CSV, streamed.</summary>
public sealed class AuditExportTests
{
    private static Task<BotHost> StartAsync() => BotHost.StartAsync(s => s["Audit:ExportToken"] = AuditTestExtensions.ExportToken);

    private static async Task<HttpResponseMessage> GetAsync(BotHost bot, string path, string? token = AuditTestExtensions.ExportToken, string scheme = "Bearer")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(scheme, token);
        }

        return await bot.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Export_AndVerify_RefuseEveryoneWithoutTheToken()
    {
        await using var bot = await StartAsync();
        var from = Day(bot.Time.GetUtcNow());
        foreach (var path in new[] { $"/audit/export?from={from}", "/audit/verify" })
        {
            foreach (var (token, scheme) in new[] { ((string?)null, "Bearer"), ("wrong-token-wrong-token-wrong-token", "Bearer"), (AuditTestExtensions.ExportToken, "Basic"), (AuditTestExtensions.ExportToken + "x", "Bearer") })
            {
                using var response = await GetAsync(bot, path, token, scheme);
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
                Assert.Contains("Authorization: Bearer", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        }

        // With no token configured, nothing gets in, whatever is sent.
        await using var closed = await BotHost.StartAsync();
        using var refused = await GetAsync(closed, $"/audit/export?from={from}", "anything");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using var empty = await GetAsync(closed, $"/audit/export?from={from}", string.Empty);
        Assert.Equal(HttpStatusCode.Unauthorized, empty.StatusCode);
    }

    [Fact]
    public async Task Export_JsonLines_GivesTheTimeRange_OneObjectPerLine_InChainOrder()
    {
        await using var bot = await StartAsync();
        var first = await bot.RequestAccessAsync(text: "request prod-db-read 1h day one");

        // Nobody decides the first request: it times out on day two, outside the range exported below.
        bot.Time.Advance(TimeSpan.FromDays(1));
        await bot.WaitForStatusAsync(first, RequestStatus.TimedOut);
        bot.Time.Advance(TimeSpan.FromDays(1));
        var start = bot.Time.GetUtcNow();
        var second = await bot.ActiveRequestAsync("request prod-db-read 1h day three");
        bot.Time.Advance(TimeSpan.FromDays(2));

        // The second request's window ends with that move; its expiry is written in the background, so wait for it
        // before comparing the export with the table.
        await bot.WaitForStatusAsync(second, RequestStatus.Expired);
        var third = await bot.RequestAccessAsync(text: "request prod-db-read 1h day five");
        await bot.AuditSealedAsync();

        using var response = await GetAsync(bot, $"/audit/export?from={Day(start)}&to={Day(start.AddDays(1))}&format=jsonl");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var entries = lines.Select(l => JsonNode.Parse(l)!.AsObject()).ToList();

        Assert.Equal(["request.created", "request.approved", "grant.succeeded"], entries.Select(e => e["event"]!.GetValue<string>()));
        Assert.All(entries, e => Assert.Equal(second, e["request_id"]!.GetValue<long>()));
        Assert.DoesNotContain(entries, e => e["request_id"]!.GetValue<long>() == first || e["request_id"]!.GetValue<long>() == third);
        Assert.Equal("day three", entries[0]["details"]!["reason"]!.GetValue<string>());
        Assert.Equal(entries.Select(e => e["id"]!.GetValue<long>()).Order(), entries.Select(e => e["id"]!.GetValue<long>()));
        for (var i = 1; i < entries.Count; i++)
        {
            Assert.Equal(entries[i - 1]["hash"]!.GetValue<string>(), entries[i]["prev_hash"]!.GetValue<string>());
        }

        // Without "to" the export runs to the newest entry. Reads of the log are themselves logged after each read and
        // sealed a moment later, so they are left out of the comparison.
        var changes = await bot.ScalarAsync("SELECT count(*) FROM jit.audit_log WHERE event <> 'audit.read'");
        using var all = await GetAsync(bot, $"/audit/export?from={Day(start.AddDays(-3))}&format=jsonl");
        var exported = (await all.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!["event"]!.GetValue<string>());
        Assert.Equal(changes, exported.Count(e => e != "audit.read"));
    }

    [Fact]
    public async Task Export_Csv_QuotesCommasQuotesAndLineBreaks()
    {
        await using var bot = await StartAsync();
        var id = await bot.RequestAccessAsync(text: "request prod-db-read 1h fix \"INC-1234\", then, tidy up");
        await using (var connection = await bot.Service<NpgsqlDataSource>().OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await bot.Service<AuditLog>().AppendAsync(connection, transaction, new AuditEntry("test.multiline", null, "ops,\n\"team\"", ChatPlatform.System, bot.Time.GetUtcNow(), new Dictionary<string, string> { ["note"] = "line one\nline \"two\"" }));
            await transaction.CommitAsync();
        }

        await bot.AuditSealedAsync();
        using var response = await GetAsync(bot, $"/audit/export?from={Day(bot.Time.GetUtcNow())}&to={bot.Time.GetUtcNow().AddMinutes(1):yyyy-MM-ddTHH:mm:ssZ}&format=csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(".csv", response.Content.Headers.ContentDisposition?.FileName, StringComparison.Ordinal);
        var rows = ParseCsv(await response.Content.ReadAsStringAsync());

        Assert.Equal(["id", "at", "event", "request_id", "actor", "platform", "details", "prev_hash", "hash"], rows[0]);
        Assert.All(rows, r => Assert.Equal(9, r.Count));
        var created = rows.Single(r => r[2] == "request.created");
        Assert.Equal(id.ToString(CultureInfo.InvariantCulture), created[3]);
        Assert.Equal("fix \"INC-1234\", then, tidy up", JsonNode.Parse(created[6])!["reason"]!.GetValue<string>());
        var multiline = rows.Single(r => r[2] == "test.multiline");
        Assert.Equal("ops,\n\"team\"", multiline[4]);
        Assert.Equal(string.Empty, multiline[3]);
        Assert.Equal("line one\nline \"two\"", JsonNode.Parse(multiline[6])!["note"]!.GetValue<string>());
        Assert.Equal(rows[1][8], rows[2][7]);
    }

    [Theory]
    [InlineData("/audit/export", "from is required")]
    [InlineData("/audit/export?from=last-week", "is not a date")]
    [InlineData("/audit/export?from=2026-11-01T10:00", "with Z or an offset")]
    [InlineData("/audit/export?from=2026-11-02&to=2026-11-01", "must be later than from")]
    [InlineData("/audit/export?from=2026-11-01&format=xlsx", "use jsonl or csv")]
    [InlineData("/audit/export?since=2026-11-01", "Unknown parameter")]
    public async Task Export_BadParameters_Are400_WithHowToWriteThem(string path, string expected)
    {
        await using var bot = await StartAsync();
        using var response = await GetAsync(bot, path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains(expected, body, StringComparison.Ordinal);
        Assert.Contains("GET /audit/export?from=", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_OfTwentyThousandEntries_StreamsThemAll()
    {
        await using var bot = await StartAsync();
        var audit = bot.Service<AuditLog>();
        var at = bot.Time.GetUtcNow();
        for (var batch = 0; batch < 10; batch++)
        {
            await using var connection = await bot.Service<NpgsqlDataSource>().OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await audit.AppendManyAsync(connection, transaction, Enumerable.Range(0, 2_000)
                .Select(i => new AuditEntry(AuditEvents.AccessExpired, batch * 2_000 + i + 1, "system", ChatPlatform.System, at, new Dictionary<string, string> { ["membership"] = "revoked at target" }))
                .ToList());
            await transaction.CommitAsync();
        }

        await bot.AuditSealedAsync();
        using var response = await GetAsync(bot, $"/audit/export?from={Day(at)}&to={Day(at.AddDays(1))}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Content.Headers.ContentLength);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        long count = 0;
        long previous = 0;
        while (await reader.ReadLineAsync() is { } line)
        {
            var id = JsonNode.Parse(line)!["id"]!.GetValue<long>();
            Assert.Equal(previous + 1, id);
            previous = id;
            count++;
        }

        Assert.Equal(20_000, count);
    }

    [Fact]
    public async Task VerifyEndpoint_Says200Intact_Or409WithTheFirstBrokenLink()
    {
        await using var bot = await StartAsync();
        await bot.ActiveRequestAsync();
        await bot.AuditSealedAsync();
        using (var intact = await GetAsync(bot, "/audit/verify"))
        {
            Assert.Equal(HttpStatusCode.OK, intact.StatusCode);
            var json = JsonNode.Parse(await intact.Content.ReadAsStringAsync())!;
            Assert.True(json["intact"]!.GetValue<bool>());
            Assert.Equal(3, json["entries_checked"]!.GetValue<long>());
        }

        await bot.TamperAsync("UPDATE jit.audit_log SET event = 'request.denied' WHERE id = 2");
        using var broken = await GetAsync(bot, "/audit/verify");
        Assert.Equal(HttpStatusCode.Conflict, broken.StatusCode);
        var report = JsonNode.Parse(await broken.Content.ReadAsStringAsync())!;
        Assert.False(report["intact"]!.GetValue<bool>());
        Assert.Equal(2, report["first_broken"]!["id"]!.GetValue<long>());
        Assert.Contains("BROKEN at entry 2", report["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>A strict RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks.</summary>
    private static List<List<string>> ParseCsv(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add(row);
                row = [];
                i++;
            }
            else
            {
                Assert.NotEqual('"', c);
                Assert.NotEqual('\n', c);
                field.Append(c);
            }
        }

        Assert.Empty(row);
        Assert.Equal(0, field.Length);
        return rows;
    }
}
