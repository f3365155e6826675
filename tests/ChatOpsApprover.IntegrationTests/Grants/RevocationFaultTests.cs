using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Grants;
using ChatOpsApprover.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ChatOpsApprover.IntegrationTests.Grants;

/// <summary>Revocation is never lost: not with two instances, a target that is down, a database restart, or kill -9.</summary>
public sealed class RevocationFaultTests
{
    private static Action<IServiceCollection> CountRevocations(ConcurrentDictionary<Membership, int> counter) => services =>
        services.DecorateTargets(target => new CountingTarget(target, counter));

    [Fact]
    public async Task TwoInstances_RevokeEachGrantExactlyOnceAtTheTarget()
    {
        const int count = 400;
        var counter = new ConcurrentDictionary<Membership, int>();
        await using var first = await BotHost.StartAsync(s => s["Revocation:BatchSize"] = "25", overrideServices: CountRevocations(counter));
        await using var second = await BotHost.StartAsync(s => s["Revocation:BatchSize"] = "25", shareDatabaseWith: first, overrideServices: CountRevocations(counter));
        var now = first.Time.GetUtcNow();
        await GrantSeeder.SeedAsync(first.ConnectionString, first.Suffix, first.GrantRole, count, now, now + TimeSpan.FromMinutes(1));
        Assert.Equal(count, await GrantSeeder.MembersLeftAsync(first.ConnectionString, first.GrantRole));

        first.Time.Advance(TimeSpan.FromMinutes(1));
        await Wait.UntilAsync(async () => await first.ScalarAsync("SELECT count(*) FROM jit.access_requests WHERE status = 'expired'") == count, "every grant to expire");

        Assert.Equal(0, await GrantSeeder.MembersLeftAsync(first.ConnectionString, first.GrantRole));
        Assert.Equal(count, counter.Count);
        Assert.All(counter.Values, n => Assert.Equal(1, n));
        Assert.Equal(count, await first.ScalarAsync("SELECT count(*) FROM jit.audit_log WHERE event = 'access.expired'"));
    }

    [Fact]
    public async Task TargetDown_RevocationIsRetried_AndHappensAsSoonAsItIsBack()
    {
        var cluster = await TestPostgres.RequireClusterAsync();
        await using var proxy = new TcpProxy(cluster.Port);
        await using var bot = await BotHost.StartAsync(s =>
        {
            s["Targets:prod-db:ConnectionString"] = new NpgsqlConnectionStringBuilder(s["ConnectionStrings:Postgres"]) { Port = proxy.Port, Timeout = 2 }.ConnectionString;
            s["Audit:SlackChannel"] = "C0AUDIT";
        });
        var id = await bot.RequestAccessAsync(text: "request prod-db-read 30m incident");
        await bot.ClickApproveAsync("U0BOB", id);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);

        proxy.Down();
        bot.Time.Advance(TimeSpan.FromMinutes(30));
        await Wait.UntilAsync(async () => await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'access.revoke_failed'") >= 1, "the failed revocation to be recorded");
        Assert.Equal(RequestStatus.Active, (await bot.RequestAsync(id)).Status);
        Assert.True(await bot.HasRoleAsync(bot.LoginOf("alice")), "the target was down, so the role is still there");
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postMessage").Any(c => c.Body["channel"]?.GetValue<string>() == "C0AUDIT" && c.Text.Contains("Revocation failed", StringComparison.Ordinal)), "the audit channel to be alerted");

        // Still down: each retry fails and is counted, with back-off; the audit log records the outage once.
        bot.Time.Advance(TimeSpan.FromSeconds(30));
        await Wait.UntilAsync(async () => await bot.ScalarAsync($"SELECT revoke_attempts FROM jit.access_requests WHERE id = {id}") >= 2, "a second failed attempt");
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'access.revoke_failed'"));

        proxy.Up();
        bot.Time.Advance(TimeSpan.FromSeconds(30));
        await bot.WaitForStatusAsync(id, RequestStatus.Expired);
        Assert.False(await bot.HasRoleAsync(bot.LoginOf("alice")));
    }

    [Fact]
    public async Task OneMembershipTheTargetRefusesToRevoke_DoesNotHoldBackTheOthers()
    {
        // The target connects as a CREATEROLE admin, which may revoke ordinary roles but not a superuser role.
        var admin = "";
        await using var bot = await BotHost.StartAsync(s =>
        {
            admin = "jit_admin_" + s["Roles:prod-db-read:Grant"]!["prod_read_".Length..];
            s["Targets:prod-db:ConnectionString"] = new NpgsqlConnectionStringBuilder(s["ConnectionStrings:Postgres"]) { Username = admin }.ConnectionString;
        });
        var root = "root_" + bot.Suffix;
        await bot.ScalarAsync($"""
            DO $$BEGIN
              CREATE ROLE {admin} LOGIN CREATEROLE;
              CREATE ROLE {root} SUPERUSER NOLOGIN;
              GRANT {root} TO {bot.LoginOf("alice")};
              GRANT {bot.GrantRole} TO {bot.LoginOf("carol")};
            END$$; SELECT 1
            """);
        var now = bot.Time.GetUtcNow();
        await bot.ScalarAsync($"""
            INSERT INTO jit.access_requests (person_id, role_name, target, grant_name, login, duration_seconds, reason, status, platform, requested_at, granted_at, ends_at)
            VALUES ('alice', 'prod-db-read', 'prod-db', '{root}', '{bot.LoginOf("alice")}', 60, 'x', 'active', 'slack', '{now:O}', '{now:O}', '{now.AddMinutes(1):O}'),
                   ('carol', 'prod-db-read', 'prod-db', '{bot.GrantRole}', '{bot.LoginOf("carol")}', 60, 'x', 'active', 'slack', '{now:O}', '{now:O}', '{now.AddMinutes(1):O}');
            SELECT 1
            """);

        // A second past the end: PostgreSQL keeps microseconds, so the stored end may round up past the exact minute.
        bot.Time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        await Wait.UntilAsync(async () => await bot.ScalarAsync("SELECT count(*) FROM jit.access_requests WHERE status = 'expired'") == 1, "the revocable grant to end");
        Assert.False(await bot.HasRoleAsync(bot.LoginOf("carol")), "carol's membership is revoked even though alice's cannot be");
        Assert.True(await bot.HasRoleAsync(bot.LoginOf("alice"), root));
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.access_requests WHERE status = 'active' AND login = '{bot.LoginOf("alice")}' AND revoke_attempts >= 1"));
        Assert.Equal(1, await bot.ScalarAsync("SELECT count(*) FROM jit.audit_log WHERE event = 'access.revoke_failed'"));
    }

    [Fact]
    public async Task PostgresRestartedUnderTheApp_RevocationStillHappens()
    {
        // A cluster of its own: the other test classes running beside this one must not see the restart.
        await using var server = await TestPostgres.StartPrivateClusterAsync();
        var cluster = server.Cluster;
        await using var bot = await BotHost.StartAsync(database: await server.CreateDatabaseAsync());
        var id = await bot.RequestAccessAsync(text: "request prod-db-read 30m incident");
        await bot.ClickApproveAsync("U0BOB", id);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);

        await cluster.StopAsync("fast");
        await cluster.StartAgainAsync();

        bot.Time.Advance(TimeSpan.FromMinutes(30));
        await bot.WaitForStatusAsync(id, RequestStatus.Expired);
        Assert.False(await bot.HasRoleAsync(bot.LoginOf("alice")));
        using var health = await bot.Http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task KillDashNine_DuringABurst_EveryGrantIsRevokedAfterRestart()
    {
        const int count = 600;
        var connectionString = await TestPostgres.CreateDatabaseAsync();
        var suffix = $"kill_{Environment.ProcessId}";
        var grantRole = $"prod_read_{suffix}";
        await using (var dataSource = NpgsqlDataSource.Create(connectionString))
        await using (var create = dataSource.CreateCommand($"CREATE ROLE {grantRole} NOLOGIN"))
        {
            await create.ExecuteNonQueryAsync();
        }

        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = connectionString,
            ["DataProtection__KeyEncryptionKey"] = BotHost.KeyEncryptionKey,
            ["Targets__prod-db__ConnectionString"] = connectionString,
            ["Roles__prod-db-read__Grant"] = grantRole,
            ["Revocation__BatchSize"] = "5",
            ["Slack__ApiBaseUrl"] = "http://127.0.0.1:9/api/",
        };

        using var first = StartBot(environment);
        await WaitForHealthAsync(first);
        var endsAt = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(2);
        await GrantSeeder.SeedAsync(connectionString, suffix, grantRole, count, DateTimeOffset.UtcNow, endsAt);

        // Kill it hard once the burst is under way.
        await Wait.UntilAsync(async () => await ExpiredAsync(connectionString) >= 20, "the burst to start");
        first.Process.Kill(entireProcessTree: true);
        await first.Process.WaitForExitAsync();
        var expiredAtKill = await ExpiredAsync(connectionString);

        // Two deadlines, each for one thing: the restarted bot's start-up, then the sweep of what the first one left.
        using var second = StartBot(environment);
        await WaitForHealthAsync(second);
        await Wait.UntilAsync(async () => await ExpiredAsync(connectionString) == count, $"every grant to expire after the restart (expired at kill: {expiredAtKill})", TimeSpan.FromSeconds(60));
        Assert.Equal(0, await GrantSeeder.MembersLeftAsync(connectionString, grantRole));
        second.Process.Kill(entireProcessTree: true);
    }

    private static async Task<long> ExpiredAsync(string connectionString)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM jit.access_requests WHERE status = 'expired'");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private sealed class BotProcess(Process process, int port) : IDisposable
    {
        public Process Process { get; } = process;
        public int Port { get; } = port;

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }

            Process.Dispose();
        }
    }

    /// <summary>Starts the real bot binary as a separate process, so it can be killed with SIGKILL.</summary>
    private static BotProcess StartBot(Dictionary<string, string> environment)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ChatOpsApprover.dll"));
        start.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new BotProcess(process, port);
    }

    private static async Task WaitForHealthAsync(BotProcess bot)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Wait.UntilAsync(async () =>
        {
            Assert.False(bot.Process.HasExited, "the bot process exited during start-up");
            try
            {
                using var response = await http.GetAsync($"http://127.0.0.1:{bot.Port}/healthz");
                return response.IsSuccessStatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or too busy starting to answer: ask again.
                return false;
            }
        }, "the bot process to answer /healthz", TimeSpan.FromSeconds(60));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
