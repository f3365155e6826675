using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ChatOpsApprover.Chat.Slack;
using ChatOpsApprover.Chat.Teams;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Jobs;
using ChatOpsApprover.Requests;
using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace ChatOpsApprover.IntegrationTests.Infrastructure;

/// <summary>
/// The real bot, started in-process on a loopback port with its own database, a fake Slack Web API, and a clock the
/// test moves. Helpers speak as Slack does: signed form posts to /slack/commands and /slack/interactions.
/// </summary>
public sealed partial class BotHost : IAsyncDisposable
{
    public const string SigningSecret = "test-signing-secret-0123456789abcdef";
    public const string BotToken = "xoxb-test-token";
    public const string ApprovalChannel = "C0APPROVALS";
    public const string TeamsApprovalChannel = "19:approvals@thread.tacv2";
    public const string KeyEncryptionKey = "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=";

    private static int _instances;
    private readonly bool _ownsSlack;

    private BotHost(WebApplication app, FakeSlackServer slack, FakeTeamsServer teams, bool ownsSlack, FakeTimeProvider time, string connectionString, string suffix)
    {
        App = app;
        Slack = slack;
        Teams = teams;
        _ownsSlack = ownsSlack;
        Time = time;
        ConnectionString = connectionString;
        Suffix = suffix;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Http = new HttpClient { BaseAddress = new Uri(address) };
    }

    public WebApplication App { get; }
    public FakeSlackServer Slack { get; }
    public FakeTeamsServer Teams { get; }
    public FakeTimeProvider Time { get; }
    public string ConnectionString { get; }
    public HttpClient Http { get; }

    /// <summary>Everything the bot logged at or above the level it was started with.</summary>
    public CapturedLogs Logs { get; private init; } = new();

    /// <summary>Makes this test's role and login names unique: PostgreSQL roles are cluster-wide.</summary>
    public string Suffix { get; }

    public string GrantRole => $"prod_read_{Suffix}";

    public string LoginOf(string person) => $"{person}_{Suffix}";

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    /// <summary>
    /// Starts a bot. alice (U0ALICE) and carol (U0CAROL) may request prod-db-read; bob (U0BOB) and dave (U0DAVE) approve it.
    /// Everyone also has a Teams identity (<see cref="TeamsIds"/>), and the role's cards go to a Teams channel too.
    /// <paramref name="configure"/> may change or add settings. <paramref name="database"/> names a migrated database to
    /// use instead of a fresh one on the shared cluster (e.g. one on a test's private cluster).
    /// </summary>
    public static async Task<BotHost> StartAsync(
        Action<Dictionary<string, string?>>? configure = null,
        BotHost? shareDatabaseWith = null,
        FakeTimeProvider? time = null,
        Action<IServiceCollection>? overrideServices = null,
        LogLevel logLevel = LogLevel.Warning,
        string? database = null)
    {
        var logs = new CapturedLogs();
        var connectionString = shareDatabaseWith?.ConnectionString ?? database ?? await TestPostgres.CreateDatabaseAsync();
        var suffix = shareDatabaseWith?.Suffix ?? $"{Environment.ProcessId}_{Interlocked.Increment(ref _instances)}";
        var slack = shareDatabaseWith?.Slack ?? await FakeSlackServer.StartAsync();
        var teams = shareDatabaseWith?.Teams ?? await FakeTeamsServer.StartAsync();
        time ??= shareDatabaseWith?.Time ?? new FakeTimeProvider(DateTimeOffset.UtcNow);
        if (shareDatabaseWith is null)
        {
            await CreateTargetRolesAsync(connectionString, suffix);
        }

        var settings = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["ConnectionStrings:Postgres"] = connectionString,
            ["Slack:SigningSecret"] = SigningSecret,
            ["Slack:BotToken"] = BotToken,
            ["Slack:ApiBaseUrl"] = slack.ApiBaseUrl.ToString(),
            ["Teams:AppId"] = FakeTeamsServer.AppId,
            ["Teams:AppPassword"] = FakeTeamsServer.AppPassword,
            ["Teams:TenantId"] = FakeTeamsServer.TenantId,
            ["Teams:ServiceUrl"] = teams.ServiceUrl.ToString(),
            ["Teams:OpenIdMetadataUrl"] = teams.OpenIdMetadataUrl.ToString(),
            ["Teams:TokenEndpoint"] = teams.TokenEndpoint.ToString(),
            ["Hangfire:WorkerCount"] = "4",
            ["Hangfire:SchedulePollingInterval"] = "00:00:00.200",
            ["Revocation:PollInterval"] = "00:00:01",
            ["People:alice:Slack"] = "U0ALICE",
            ["People:alice:Teams"] = TeamsIds.Alice,
            ["People:alice:Logins:prod-db"] = $"alice_{suffix}",
            ["People:carol:Slack"] = "U0CAROL",
            ["People:carol:Teams"] = TeamsIds.Carol,
            ["People:carol:Logins:prod-db"] = $"carol_{suffix}",
            ["People:bob:Slack"] = "U0BOB",
            ["People:bob:Teams"] = TeamsIds.Bob,
            ["People:dave:Slack"] = "U0DAVE",
            ["People:dave:Teams"] = TeamsIds.Dave,
            ["People:erin:Slack"] = "U0ERIN",
            ["People:erin:Teams"] = TeamsIds.Erin,
            ["People:erin:Admin"] = "true",
            ["Targets:prod-db:Type"] = "postgres",
            ["Targets:prod-db:ConnectionString"] = connectionString,
            ["Roles:prod-db-read:Description"] = "Read-only access to production",
            ["Roles:prod-db-read:Target"] = "prod-db",
            ["Roles:prod-db-read:Grant"] = $"prod_read_{suffix}",
            ["Roles:prod-db-read:MaxDuration"] = "04:00:00",
            ["Roles:prod-db-read:Approvers:0"] = "bob",
            ["Roles:prod-db-read:Approvers:1"] = "dave",
            ["Roles:prod-db-read:SlackChannel"] = ApprovalChannel,
            ["Roles:prod-db-read:TeamsChannel"] = TeamsApprovalChannel,

            // The core-flow tests test approval alone; step-up tests set Requester, Approver or Both explicitly.
            ["Roles:prod-db-read:StepUp"] = "None",
            ["DataProtection:KeyEncryptionKey"] = KeyEncryptionKey,
        };
        configure?.Invoke(settings);

        var app = await ChatOpsApproverApp.BuildAsync([], builder =>
        {
            builder.Configuration.Sources.Clear();
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Services.AddSingleton<TimeProvider>(time);
            // MSAL talks only https: the bot trusts the fake token endpoint's own certificate, and nothing else extra.
            builder.Services.AddHttpClient(ConnectorTokenProvider.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.Thumbprint == teams.Certificate.Thumbprint,
            });
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole().SetMinimumLevel(logLevel);
            builder.Logging.AddProvider(logs);
        }, overrideServices);
        await app.StartAsync();

        // Tests run drift checks themselves (DriftNowAsync). The recurring one fires on the wall clock, every five
        // minutes: at such a moment it ran beside a test's check, took the target's lock or reported its findings first,
        // and the test's check found nothing new.
        app.Services.GetService<IRecurringJobManager>()?.RemoveIfExists(GrantJobs.DriftJobId);
        return new BotHost(app, slack, teams, shareDatabaseWith is null, time, connectionString, suffix) { Logs = logs };
    }

    private static async Task CreateTargetRolesAsync(string connectionString, string suffix)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(
            $"CREATE ROLE prod_read_{suffix} NOLOGIN; CREATE ROLE alice_{suffix} LOGIN; CREATE ROLE carol_{suffix} LOGIN;");
        await command.ExecuteNonQueryAsync();
    }

    // ---- Speaking as Slack ----

    public Task<HttpResponseMessage> PostSignedAsync(string path, string body, string? signature = null, long? timestamp = null)
    {
        var ts = (timestamp ?? Time.GetUtcNow().ToUnixTimeSeconds()).ToString(CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Add("X-Slack-Request-Timestamp", ts);
        request.Headers.Add("X-Slack-Signature", signature ?? SlackSignatureVerifier.Compute(SigningSecret, ts, Encoding.UTF8.GetBytes(body)));
        return Http.SendAsync(request);
    }

    private static long _triggers;

    /// <summary>Slack gives every command and click its own trigger_id, so no two real deliveries have the same body.</summary>
    private static string NextTriggerId() => $"1.2.{Interlocked.Increment(ref _triggers).ToString(CultureInfo.InvariantCulture)}";

    public static string CommandBody(string userId, string text) =>
        $"token=legacy&team_id=T0TEAM&team_domain=example&channel_id=C0REQUESTS&channel_name=requests&user_id={userId}&user_name={userId.ToLowerInvariant()}"
        + $"&command=%2Fjit&text={Uri.EscapeDataString(text).Replace("%20", "+", StringComparison.Ordinal)}&api_app_id=A0APP"
        + $"&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT0TEAM%2F1%2Fx&trigger_id={NextTriggerId()}";

    /// <summary>Types "/jit {text}" as <paramref name="userId"/> and returns the ephemeral reply's text.</summary>
    public async Task<string> CommandAsync(string userId, string text)
    {
        using var response = await PostSignedAsync("/slack/commands", CommandBody(userId, text));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"HTTP {(int)response.StatusCode}: {body}");
        var json = JsonNode.Parse(body)!;
        Assert.Equal("ephemeral", json["response_type"]!.GetValue<string>());
        return json["text"]!.GetValue<string>();
    }

    /// <summary>Asks for access and returns the new request's id, read from the reply.</summary>
    public async Task<long> RequestAccessAsync(string userId = "U0ALICE", string text = "request prod-db-read 2h fix INC-1234")
    {
        var reply = await CommandAsync(userId, text);
        var match = System.Text.RegularExpressions.Regex.Match(reply, @"Request #(\d+)");
        Assert.True(match.Success, $"Expected a request id in the reply: {reply}");
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    public static string ClickBody(string userId, long requestId, bool approve, string? messageTs = "1700000000.000101", string? triggerId = null)
    {
        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            ["user"] = new JsonObject { ["id"] = userId, ["username"] = userId.ToLowerInvariant(), ["team_id"] = "T0TEAM" },
            ["api_app_id"] = "A0APP",
            ["team"] = new JsonObject { ["id"] = "T0TEAM", ["domain"] = "example" },
            ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = messageTs, ["channel_id"] = ApprovalChannel, ["is_ephemeral"] = false },
            ["channel"] = new JsonObject { ["id"] = ApprovalChannel, ["name"] = "approvals" },
            ["trigger_id"] = triggerId ?? NextTriggerId(),
            ["response_url"] = "https://hooks.slack.com/actions/T0TEAM/1/x",
            ["actions"] = new JsonArray
            {
                new JsonObject
                {
                    ["type"] = "button",
                    ["action_id"] = approve ? SlackApprovalCard.ApproveAction : SlackApprovalCard.DenyAction,
                    ["block_id"] = $"jit_decision_{requestId}",
                    ["value"] = requestId.ToString(CultureInfo.InvariantCulture),
                    ["action_ts"] = "1700000000.000200",
                },
            },
        };
        return "payload=" + Uri.EscapeDataString(payload.ToJsonString());
    }

    public Task<HttpResponseMessage> ClickAsync(string userId, long requestId, bool approve) =>
        PostSignedAsync("/slack/interactions", ClickBody(userId, requestId, approve));

    public async Task ClickApproveAsync(string userId, long requestId)
    {
        using var response = await ClickAsync(userId, requestId, approve: true);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Picks <paramref name="duration"/> in the card's "approve for less" select, as Slack sends it (a block_actions with selected_option).</summary>
    public async Task SelectShorterAsync(string userId, long requestId, TimeSpan duration)
    {
        var payload = JsonNode.Parse(Uri.UnescapeDataString(ClickBody(userId, requestId, approve: true)["payload=".Length..]))!.AsObject();
        var id = requestId.ToString(CultureInfo.InvariantCulture);
        var text = Domain.DurationText.Format(duration);
        payload["actions"] = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "static_select",
                ["action_id"] = SlackApprovalCard.ApproveForAction,
                ["block_id"] = $"jit_decision_{id}",
                ["selected_option"] = new JsonObject
                {
                    ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = text, ["emoji"] = true },
                    ["value"] = $"{id}:{(long)duration.TotalSeconds}",
                },
                ["placeholder"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Approve for less…" },
                ["action_ts"] = "1700000000.000300",
            },
        };
        using var response = await PostSignedAsync("/slack/interactions", "payload=" + Uri.EscapeDataString(payload.ToJsonString()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>
    /// Denies on Slack as a person does: clicks Deny, waits for the modal the bot opens with that click's trigger_id,
    /// and submits it with <paramref name="reason"/>. Returns the submission's HTTP response.
    /// </summary>
    public async Task<HttpResponseMessage> DenyAsync(string userId, long requestId, string? reason = "not needed now")
    {
        var triggerId = $"deny-{Interlocked.Increment(ref _triggers)}.2.3";
        using (var click = await PostSignedAsync("/slack/interactions", ClickBody(userId, requestId, approve: false, triggerId: triggerId)))
        {
            Assert.Equal(HttpStatusCode.OK, click.StatusCode);
        }

        var opened = Slack.CallsTo("views.open").FirstOrDefault(c => c.Body["trigger_id"]?.GetValue<string>() == triggerId);
        Assert.True(opened is not null, $"the click on Deny opened the modal (before the click was answered); Slack saw: {string.Join(", ", Slack.Calls.Select(c => c.Method))}");
        return await SubmitViewAsync(userId, opened.Body["view"]!.AsObject(), reason);
    }

    /// <summary>Submits a modal the bot opened, with <paramref name="reason"/> in its reason input (null: left empty).</summary>
    public Task<HttpResponseMessage> SubmitViewAsync(string userId, JsonObject view, string? reason)
    {
        var payload = new JsonObject
        {
            ["type"] = "view_submission",
            ["team"] = new JsonObject { ["id"] = "T0TEAM", ["domain"] = "example" },
            ["user"] = new JsonObject { ["id"] = userId, ["username"] = userId.ToLowerInvariant(), ["team_id"] = "T0TEAM" },
            ["api_app_id"] = "A0APP",
            ["trigger_id"] = $"{Interlocked.Increment(ref _triggers)}.9.9",
            ["view"] = new JsonObject
            {
                ["id"] = "V0MODAL",
                ["type"] = "modal",
                ["callback_id"] = view["callback_id"]!.GetValue<string>(),
                ["private_metadata"] = view["private_metadata"]!.GetValue<string>(),
                ["state"] = new JsonObject
                {
                    ["values"] = new JsonObject
                    {
                        ["reason"] = new JsonObject { ["reason"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = reason } },
                    },
                },
            },
        };
        return PostSignedAsync("/slack/interactions", "payload=" + Uri.EscapeDataString(payload.ToJsonString()));
    }

    // ---- Looking at the outcome ----

    public async Task<AccessRequest> RequestAsync(long id) => (await Service<RequestStore>().FindAsync(id))!;

    public Task<AccessRequest> WaitForStatusAsync(long id, RequestStatus status, TimeSpan? timeout = null) =>
        Wait.UntilAsync(async () => await RequestAsync(id) is { } r && r.Status == status ? r : null, $"request {id} to become {status}", timeout);

    /// <summary>Whether the login really is a member of the role at the target (pg_has_role).</summary>
    public async Task<bool> HasRoleAsync(string login, string? role = null)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_has_role(@login, @role, 'MEMBER')", connection);
        command.Parameters.AddWithValue("login", login);
        command.Parameters.AddWithValue("role", role ?? GrantRole);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Waits until every committed audit entry is sealed into jit.audit_log (nothing is left in jit.audit_outbox):
    /// an entry reaches the log a few milliseconds after its change, so a test reads the log only after this.
    /// </summary>
    public Task AuditSealedAsync() =>
        Wait.UntilAsync(async () => await QueryScalarAsync("SELECT count(*) FROM jit.audit_outbox") == 0, "the audit entries to be sealed into jit.audit_log");

    /// <summary>One value from the database; a query of jit.audit_log first waits until the entries are sealed (<see cref="AuditSealedAsync"/>).</summary>
    public async Task<long> ScalarAsync(string sql)
    {
        if (sql.Contains("jit.audit_log", StringComparison.Ordinal))
        {
            await AuditSealedAsync();
        }

        return await QueryScalarAsync(sql);
    }

    private async Task<long> QueryScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        try
        {
            await App.StopAsync();
        }
        catch (OperationCanceledException)
        {
            // Hangfire may need longer than the test's 5-second shutdown budget after a database restart; the host is discarded anyway.
        }

        await App.DisposeAsync();

        // Hangfire opens its connections outside the app's data source, so their pool outlives the app and would keep
        // idle connections to this test's database for minutes; a suite of many hosts then runs out of connections.
        // Clearing closes only idle connections, so hosts still running elsewhere are unaffected.
        NpgsqlConnection.ClearAllPools();
        if (_ownsSlack)
        {
            await Slack.DisposeAsync();
            await Teams.DisposeAsync();
        }
    }
}
