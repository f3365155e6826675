using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ChatOpsApprover.Chat.Slack;
using Npgsql;
using OtpNet;
using Totp = ChatOpsApprover.StepUp.Totp;

namespace ChatOpsApprover.IntegrationTests.Infrastructure;

/// <summary>
/// The real bot binary (<see cref="BotProcess"/>) as an operator runs it, on a fresh database, against a fake Slack,
/// with the shipped appsettings.json (prod-db-read: approvers bob and carol, step-up by the requester) and whatever
/// the test adds. What an operator watches from outside (its output, its /metrics) is what is asserted, and no other
/// bot shares its process, so every metric it reports is its own.
/// </summary>
public sealed partial class ObservedBot : IAsyncDisposable
{
    private ObservedBot(BotProcess process, FakeSlackServer slack, Uri baseAddress, string connectionString, string suffix)
    {
        Process = process;
        Slack = slack;
        BaseAddress = baseAddress;
        ConnectionString = connectionString;
        Suffix = suffix;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public BotProcess Process { get; }
    public FakeSlackServer Slack { get; }
    public Uri BaseAddress { get; }
    public string ConnectionString { get; }
    public string Suffix { get; }
    public HttpClient Http { get; }

    public string LoginOf(string person) => $"{person}_{Suffix}";

    public static async Task<ObservedBot> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync();
        var suffix = $"obs_{Environment.ProcessId}_{Guid.NewGuid():N}"[..24];
        await using (var dataSource = NpgsqlDataSource.Create(connectionString))
        await using (var create = dataSource.CreateCommand($"CREATE ROLE prod_read_{suffix} NOLOGIN; CREATE ROLE alice_{suffix} LOGIN; CREATE ROLE carol_{suffix} LOGIN;"))
        {
            await create.ExecuteNonQueryAsync();
        }

        var slack = await FakeSlackServer.StartAsync();
        var baseAddress = new Uri($"http://127.0.0.1:{BotProcess.FreePort()}/");
        var environment = BotProcess.OnDatabase(connectionString);
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["Roles__prod-db-read__Grant"] = $"prod_read_{suffix}",
            ["People__alice__Logins__prod-db"] = $"alice_{suffix}",
            ["People__carol__Logins__prod-db"] = $"carol_{suffix}",
            ["Slack__SigningSecret"] = BotHost.SigningSecret,
            ["Slack__BotToken"] = BotHost.BotToken,
            ["Slack__ApiBaseUrl"] = slack.ApiBaseUrl.ToString(),
            ["StepUp__PublicBaseUrl"] = baseAddress.ToString().TrimEnd('/'),
            ["DataProtection__KeyEncryptionKey"] = BotHost.KeyEncryptionKey,
            ["Revocation__PollInterval"] = "00:00:01",
        })
        {
            environment[key] = value;
        }

        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        var process = BotProcess.Start(environment, $"--urls={baseAddress.ToString().TrimEnd('/')}");
        var bot = new ObservedBot(process, slack, baseAddress, connectionString, suffix);
        await process.WaitForHealthAsync(baseAddress);
        return bot;
    }

    public Task<HttpResponseMessage> PostSignedAsync(string path, string body, string? signature = null)
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded") };
        request.Headers.Add("X-Slack-Request-Timestamp", ts);
        request.Headers.Add("X-Slack-Signature", signature ?? SlackSignatureVerifier.Compute(BotHost.SigningSecret, ts, Encoding.UTF8.GetBytes(body)));
        return Http.SendAsync(request);
    }

    /// <summary>Types "/jit {text}" as <paramref name="userId"/> and returns the ephemeral reply's text.</summary>
    public async Task<string> CommandAsync(string userId, string text)
    {
        using var response = await PostSignedAsync("/slack/commands", BotHost.CommandBody(userId, text));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"HTTP {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!["text"]!.GetValue<string>();
    }

    public async Task ClickApproveAsync(string userId, long requestId)
    {
        using var response = await PostSignedAsync("/slack/interactions", BotHost.ClickBody(userId, requestId, approve: true));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>
    /// The whole story with real time: alice enrolls her second factor, asks for prod-db-read, bob approves, alice
    /// enters a wrong code and then the right one, and the grant becomes active. Returns the request id, her secret (as
    /// the page showed it) and the links' tokens.
    /// </summary>
    public async Task<(long RequestId, string Secret, string[] LinkTokens)> RequestApproveConfirmAsync()
    {
        using var browser = new LinkBrowser();
        var enroll = StepUpSteps.FindLink(await CommandAsync("U0ALICE", "enroll"), "enroll")!;
        var page = await browser.OpenAsync(enroll);
        var secret = Base32Encoding.ToBytes(page.Secret!);
        var enrolledAt = DateTimeOffset.UtcNow;
        var enrolled = await browser.SubmitAsync(enroll, Totp.Compute(secret, enrolledAt));
        Assert.True(enrolled.Status == HttpStatusCode.OK, $"{enrolled.Status} {enrolled.Title}");

        var reply = await CommandAsync("U0ALICE", "request prod-db-read 2h fix INC-1234");
        var id = long.Parse(RequestNumber().Match(reply).Groups[1].Value, CultureInfo.InvariantCulture);
        await ClickApproveAsync("U0BOB", id);
        var link = await Wait.UntilAsync(
            () => Task.FromResult(Slack.Calls.Select(c => StepUpSteps.FindLink(c.Text, "stepup")).FirstOrDefault(l => l is not null)),
            "alice's step-up link");

        var wrong = Enumerable.Range(0, 10).Select(i => new string((char)('0' + i), 6))
            .First(c => new[] { -30, 0, 30, 60 }.All(s => Totp.Compute(secret, DateTimeOffset.UtcNow.AddSeconds(s)) != c));
        Assert.Equal((HttpStatusCode)422, (await browser.SubmitAsync(link!, wrong)).Status);

        // The enrollment used its time step; the confirmation needs the next one, as it would for a person.
        await Wait.UntilAsync(() => Totp.Compute(secret, DateTimeOffset.UtcNow) != Totp.Compute(secret, enrolledAt), "the next TOTP time step", TimeSpan.FromSeconds(45));
        var confirmed = await browser.SubmitAsync(link!, Totp.Compute(secret, DateTimeOffset.UtcNow));
        Assert.True(confirmed.Status == HttpStatusCode.OK, $"{confirmed.Status} {confirmed.Title}");
        await Wait.UntilAsync(async () => await ScalarAsync($"SELECT count(*) FROM jit.access_requests WHERE id = {id} AND status = 'active'") == 1, $"request {id} to become active");
        return (id, page.Secret!, [enroll.Segments[^1], link!.Segments[^1]]);
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"Request #(\d+)")]
    private static partial Regex RequestNumber();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Process.Dispose();
        await Slack.DisposeAsync();
    }
}
