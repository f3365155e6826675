using ChatOpsApprover.Grants;
using ChatOpsApprover.Jobs;
using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ChatOpsApprover.Bench;

/// <summary>
/// Our path, unchanged: the real host (scheduler, revoker, Hangfire, Slack notifications to a local stand-in) with
/// requests written to its table, and the target wrapped only to note when each REVOKE or GRANT committed.
/// </summary>
public static class ChatOpsApproverEngine
{
    /// <summary>
    /// Revocations: active grants whose windows end at the planned moments. With <paramref name="chatDown"/> Slack's Web
    /// API is a closed port for the whole run, so every chat notification of the burst fails and is retried meanwhile.
    /// </summary>
    public static Task RunAsync(string connectionString, string grantRole, IReadOnlyDictionary<string, DateTimeOffset> endsAt, Measurements measurements, DateTimeOffset deadline, bool chatDown = false) =>
        RunHostAsync(connectionString, grantRole, measurements, async _ =>
        {
            await InsertRequestsAsync(connectionString, grantRole, "active", endsAt);
            WarnIfLate(endsAt);
            await Approvals.WaitAsync(measurements, endsAt.Count, deadline);
        }, chatDown: chatDown);

    /// <summary>A run whose host took longer to start than the lead measures its start-up, not its revocation: say so.</summary>
    private static void WarnIfLate(IReadOnlyDictionary<string, DateTimeOffset> endsAt)
    {
        var late = DateTimeOffset.UtcNow - endsAt.Values.Min();
        if (late > TimeSpan.Zero)
        {
            Console.Error.WriteLine($"WARNING: the grants were stored {late.TotalSeconds:F1} s after the first window ended (the host started slowly); this run's lags include that.");
        }
    }

    /// <summary>
    /// Revocations at a webhook target: the same path, the same active grants, but each revoke is a signed POST to a
    /// receiver on loopback. Returns how many logins the receiver never heard a revoke for.
    /// </summary>
    public static async Task<int> RunWebhookAsync(string connectionString, IReadOnlyDictionary<string, DateTimeOffset> endsAt, Measurements measurements, DateTimeOffset deadline)
    {
        await using var receiver = await BenchWebhookReceiver.StartAsync(measurements);
        var webhook = new Dictionary<string, string?>
        {
            ["Targets:tool:Type"] = "webhook",
            ["Targets:tool:Url"] = receiver.Url,
            ["Targets:tool:Secret"] = "bench-webhook-secret-0123456789abcdef",
            ["Roles:tool-admin:Target"] = "tool",
            ["Roles:tool-admin:Grant"] = "admin",
            ["Roles:tool-admin:MaxDuration"] = "04:00:00",
            ["Roles:tool-admin:Approvers:0"] = "bob",
            ["Roles:tool-admin:SlackChannel"] = "C0APPROVALS",
            ["Roles:tool-admin:StepUp"] = "None",
        };
        await RunHostAsync(connectionString, "bench_unused", measurements, async _ =>
        {
            await InsertRequestsAsync(connectionString, "admin", "active", endsAt, target: "tool", role: "tool-admin");
            await Approvals.WaitAsync(measurements, endsAt.Count, deadline);
        }, webhook);
        return receiver.NotRevoked(endsAt.Keys);
    }

    /// <summary>Grants: requests stored as approved, and the grant job enqueued at the moment of approval, as a click does.</summary>
    public static Task GrantAsync(string connectionString, string grantRole, IReadOnlyDictionary<string, DateTimeOffset> approvedAt, Measurements measurements, DateTimeOffset deadline) =>
        RunHostAsync(connectionString, grantRole, measurements, async app =>
        {
            var ids = await InsertRequestsAsync(connectionString, grantRole, "approved", approvedAt);
            var jobs = app.Services.GetRequiredService<IBackgroundJobClient>();
            await Approvals.ReplayAsync(approvedAt, login => jobs.Enqueue<GrantJobs>(j => j.GrantAsync(ids[login], CancellationToken.None)));
            await Approvals.WaitAsync(measurements, approvedAt.Count, deadline);
        });

    private static async Task<Dictionary<string, long>> InsertRequestsAsync(string connectionString, string grantRole, string status, IReadOnlyDictionary<string, DateTimeOffset> endsAt, string target = "prod-db", string role = "prod-db-read")
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var insert = dataSource.CreateCommand(
            """
            INSERT INTO jit.access_requests (person_id, role_name, target, grant_name, login, duration_seconds, reason, status, platform, requested_at, granted_at, ends_at, grant_sent_at)
            SELECT 'alice', @role, @target, @grant, login, 3600, 'bench', @status, 'slack', now(),
                   CASE WHEN @status = 'active' THEN now() END, CASE WHEN @status = 'active' THEN ends_at END, CASE WHEN @status = 'active' THEN now() END
            FROM unnest(@logins, @ends) AS t(login, ends_at)
            RETURNING login, id
            """);
        insert.Parameters.AddWithValue("role", role);
        insert.Parameters.AddWithValue("target", target);
        insert.Parameters.AddWithValue("grant", grantRole);
        insert.Parameters.AddWithValue("status", status);
        insert.Parameters.AddWithValue("logins", endsAt.Keys.ToArray());
        insert.Parameters.AddWithValue("ends", endsAt.Values.ToArray());
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await insert.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids[reader.GetString(0)] = reader.GetInt64(1);
        }

        return ids;
    }

    private static async Task RunHostAsync(string connectionString, string grantRole, Measurements measurements, Func<WebApplication, Task> drive, IReadOnlyDictionary<string, string?>? extraSettings = null, bool chatDown = false)
    {
        var (slack, slackUrl) = chatDown ? (null, ClosedPortUrl()) : await StartSlackStandInAsync();
        await using var slackLifetime = slack;
        var settings = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["ConnectionStrings:Postgres"] = connectionString,
            ["Slack:SigningSecret"] = "bench",
            ["Slack:BotToken"] = "xoxb-bench",
            ["Slack:ApiBaseUrl"] = slackUrl + "/api/",
            ["People:alice:Slack"] = "U0ALICE",
            ["People:alice:Logins:prod-db"] = "alice",
            ["People:bob:Slack"] = "U0BOB",
            ["Targets:prod-db:ConnectionString"] = connectionString,
            ["Roles:prod-db-read:Target"] = "prod-db",
            ["Roles:prod-db-read:Grant"] = grantRole,
            ["Roles:prod-db-read:MaxDuration"] = "04:00:00",
            ["Roles:prod-db-read:Approvers:0"] = "bob",
            ["Roles:prod-db-read:SlackChannel"] = "C0APPROVALS",
            ["Roles:prod-db-read:StepUp"] = "None",

            // The bench runs in the Production environment, which requires a key-encryption key.
            ["DataProtection:KeyEncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        };
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        await using var app = await ChatOpsApproverApp.BuildAsync([], builder =>
        {
            builder.Configuration.Sources.Clear();
            builder.Configuration.AddInMemoryCollection(settings);

            // A setting to compare, e.g. BENCH_Revocation__BatchesInFlight=1 (inherited by each engine's process).
            builder.Configuration.AddEnvironmentVariables("BENCH_");
            builder.Logging.ClearProviders();
        }, services => services.DecorateTargets(target => new TimedTarget(target, measurements)));
        await app.StartAsync();
        await drive(app);
        await app.StopAsync();
    }

    private sealed class TimedTarget(IGrantTarget inner, Measurements measurements) : GrantTargetDecorator(inner)
    {
        public override async Task<string?> GrantAsync(TargetGrant grant, CancellationToken cancellationToken)
        {
            var receipt = await base.GrantAsync(grant, cancellationToken);
            measurements.Done(grant.Login, DateTimeOffset.UtcNow);
            return receipt;
        }

        public override async Task<IReadOnlyList<RevokeResult>> RevokeAsync(IReadOnlyList<TargetGrant> grants, CancellationToken cancellationToken)
        {
            var results = await base.RevokeAsync(grants, cancellationToken);
            var at = DateTimeOffset.UtcNow;
            foreach (var (grant, _) in grants.Zip(results).Where(r => r.Second.Status == RevokeStatus.Revoked))
            {
                measurements.Done(grant.Login, at);
            }

            return results;
        }
    }

    /// <summary>A loopback address nothing listens on: every connection to it is refused at once.</summary>
    private static string ClosedPortUrl()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }

    /// <summary>Answers every Slack Web API call with ok, so notifications cost what they cost against a fast Slack.</summary>
    private static async Task<(WebApplication App, string Url)> StartSlackStandInAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapPost("/api/{method}", (string method) => method == "conversations.open"
            ? Results.Json(new { ok = true, channel = new { id = "D0BENCH" } })
            : Results.Json(new { ok = true, channel = "C0BENCH", ts = "1700000000.000100" }));
        await app.StartAsync();
        return (app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/'));
    }
}
