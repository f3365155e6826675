using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using ChatOpsApprover.Storage;
using Npgsql;

namespace ChatOpsApprover.Bench.Edge;

/// <summary>
/// The bot's memory holding many active grants: the real process (as the edge benchmark starts it, with its own
/// PostgreSQL and the stand-in Slack Web API), given active grants with real memberships at the target, left idle
/// (the revocation scheduler, the reconcile and drift jobs, the metrics gauges read them), then given a little traffic
/// (commands, requests, Approve clicks, Home tabs opened), then idle again. Prints, per phase, the resident set
/// (VmRSS at the end, the highest sampled each second, VmHWM) and the garbage collector's heap after its last
/// collection, read from the bot's own /metrics (.NET's System.Runtime meter).
/// </summary>
public static class MemoryBenchmark
{
    private const string GrantRole = "mem_read";

    public static async Task<int> RunAsync(MemorySettings settings)
    {
        var work = Directory.CreateTempSubdirectory("chatops-memory-").FullName;
        var clusterFolder = Path.Combine(Path.GetTempPath(), $"chatops-memory-postgres-{Environment.ProcessId}");
        var processes = new List<Process>();
        LocalPostgresCluster? cluster = null;
        try
        {
            Console.Error.WriteLine($"machine at start: {EdgeBenchmark.MachineLoad()}");
            cluster = settings.Postgres is null ? await LocalPostgresCluster.StartAsync(clusterFolder, 0, stopOnDispose: true) : null;
            var admin = settings.Postgres ?? cluster!.ConnectionString("postgres");
            var connectionString = await EdgeBenchmark.CreateDatabaseAsync(admin, $"memory_{Environment.ProcessId}");
            var people = await EdgeBenchmark.CreateLoginsAsync(connectionString, settings.People);
            var logins = Enumerable.Range(1, settings.Grants).Select(i => $"mem_login_{i.ToString("D6", CultureInfo.InvariantCulture)}").ToList();
            await CreateMembershipsAsync(connectionString, logins);

            var slackPort = EdgeBenchmark.FreePort();
            var slackUrl = $"http://127.0.0.1:{slackPort}";
            EdgeBenchmark.StartChild(processes, "dotnet", [typeof(EdgeBenchmark).Assembly.Location, "fake-slack", slackPort.ToString(CultureInfo.InvariantCulture)], null, Path.Combine(work, "fake-slack.log"));
            await EdgeBenchmark.WaitUntilAnswersAsync($"{slackUrl}/counts", "the stand-in Slack Web API");

            var botPort = EdgeBenchmark.FreePort();
            var environment = EdgeBenchmark.BotEnvironment(botPort, connectionString, slackUrl, people);
            environment["Metrics__Enabled"] = "true";
            // The active grants' role, beside the edge benchmark's (whose requests this run's traffic makes).
            environment["Roles__mem-read__Target"] = "prod-db";
            environment["Roles__mem-read__Grant"] = GrantRole;
            environment["Roles__mem-read__MaxDuration"] = "04:00:00";
            environment["Roles__mem-read__Approvers__0"] = "bob";
            environment["Roles__mem-read__SlackChannel"] = EdgeBenchmark.ApprovalChannel;
            environment["Roles__mem-read__StepUp"] = "None";
            foreach (var (key, value) in settings.BotEnvironment)
            {
                environment[key] = value;
            }

            var bot = EdgeBenchmark.StartChild(processes, "dotnet", [settings.BotDll ?? Path.Combine(AppContext.BaseDirectory, "ChatOpsApprover.dll")], environment, Path.Combine(work, "bot.log"));
            var botUrl = $"http://127.0.0.1:{botPort}";
            await EdgeBenchmark.WaitUntilAnswersAsync($"{botUrl}/healthz", "the bot");
            using var http = new HttpClient { BaseAddress = new Uri(botUrl) };
            await using var dataSource = NpgsqlDataSource.Create(connectionString);

            var rows = new List<MemoryRow> { await MemoryRow.ReadAsync("started, no grants", bot.Id, ProcessMemory.Of(bot.Id).Resident, http) };
            await InsertActiveGrantsAsync(dataSource, people, logins);
            Console.Error.WriteLine($"{logins.Count} active grants stored; idle for {settings.Idle.TotalSeconds:0} s");
            rows.Add(await PhaseAsync($"idle {settings.Idle.TotalSeconds:0} s, {logins.Count:N0} active grants", bot.Id, http, settings.Idle, _ => Task.CompletedTask));

            var traffic = new Traffic(http, dataSource, people);
            var tick = TimeSpan.FromSeconds(1 / settings.TrafficPerSecond);
            var clock = Stopwatch.StartNew();
            rows.Add(await PhaseAsync($"traffic: {settings.Rounds} rounds", bot.Id, http, TimeSpan.Zero, async _ =>
            {
                for (var round = 0; round < settings.Rounds; round++)
                {
                    var next = DateTime.UtcNow + tick;
                    await traffic.RoundAsync();
                    if (next > DateTime.UtcNow)
                    {
                        await Task.Delay(next - DateTime.UtcNow);
                    }
                }
            }));
            traffic.Took = clock.Elapsed;
            rows.Add(await PhaseAsync($"idle {settings.Idle.TotalSeconds:0} s again", bot.Id, http, settings.Idle, _ => Task.CompletedTask));

            Print(rows, settings, traffic);
            return traffic.Failures > 0 ? 1 : 0;
        }
        finally
        {
            await EdgeBenchmark.CleanUpAsync(processes, cluster, clusterFolder, work, settings.Keep);
        }
    }

    /// <summary>Runs a phase while sampling the resident set every second; the row is read at its end.</summary>
    private static async Task<MemoryRow> PhaseAsync(string name, int pid, HttpClient http, TimeSpan length, Func<DateTime, Task> drive)
    {
        var until = DateTime.UtcNow + length;
        using var stop = new CancellationTokenSource();
        var highest = 0L;
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                highest = Math.Max(highest, ProcessMemory.Of(pid).Resident);
                await Task.Delay(1000, CancellationToken.None);
            }
        }, CancellationToken.None);
        await drive(until);
        if (until > DateTime.UtcNow)
        {
            await Task.Delay(until - DateTime.UtcNow);
        }

        await stop.CancelAsync();
        await sampler;
        return await MemoryRow.ReadAsync(name, pid, Math.Max(highest, ProcessMemory.Of(pid).Resident), http);
    }

    /// <summary>The grant role and one login per active grant, each a member: the target holds what the rows say.</summary>
    private static async Task CreateMembershipsAsync(string connectionString, IReadOnlyList<string> logins)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var role = new NpgsqlCommand($"CREATE ROLE {SqlIdentifier.Quote(GrantRole)} NOLOGIN", connection))
        {
            await role.ExecuteNonQueryAsync();
        }

        await using var members = new NpgsqlCommand(
            """
            DO $$DECLARE login text;
            BEGIN
              FOREACH login IN ARRAY current_setting('bench.logins')::text[] LOOP
                EXECUTE format('CREATE ROLE %I LOGIN', login);
                EXECUTE format('GRANT %I TO %I', current_setting('bench.grant'), login);
              END LOOP;
            END$$
            """, connection);
        await using (var set = new NpgsqlCommand("SELECT set_config('bench.logins', @logins, false), set_config('bench.grant', @grant, false)", connection))
        {
            set.Parameters.AddWithValue("logins", "{" + string.Join(',', logins) + "}");
            set.Parameters.AddWithValue("grant", GrantRole);
            await set.ExecuteNonQueryAsync();
        }

        await members.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Active grants as a grant job leaves them (status active, granted, sent, ending between two and four hours from
    /// now, so none ends during the run), spread over the benchmark's people.
    /// </summary>
    private static async Task InsertActiveGrantsAsync(NpgsqlDataSource dataSource, IReadOnlyList<EdgeLogin> people, IReadOnlyList<string> logins)
    {
        var now = DateTimeOffset.UtcNow;
        var ends = logins.Select((_, i) => now + TimeSpan.FromHours(2) + TimeSpan.FromHours(2) * i / Math.Max(1, logins.Count)).ToArray();
        await using var insert = dataSource.CreateCommand(
            """
            INSERT INTO jit.access_requests (person_id, role_name, target, grant_name, login, duration_seconds, reason, status, platform, requested_at, granted_at, ends_at, grant_sent_at)
            SELECT person, 'mem-read', 'prod-db', @grant, login, extract(epoch FROM ends_at - now())::int, 'memory benchmark', 'active', 'slack', now(), now(), ends_at, now()
            FROM unnest(@people, @logins, @ends) AS t(person, login, ends_at)
            """);
        insert.Parameters.AddWithValue("grant", GrantRole);
        insert.Parameters.AddWithValue("people", logins.Select((_, i) => people[i % people.Count].PersonId).ToArray());
        insert.Parameters.AddWithValue("logins", logins.ToArray());
        insert.Parameters.AddWithValue("ends", ends);
        await insert.ExecuteNonQueryAsync();
    }

    private static void Print(IReadOnlyList<MemoryRow> rows, MemorySettings settings, Traffic traffic)
    {
        static string MiB(long? bytes) => bytes is { } b ? (b / 1048576.0).ToString("0", CultureInfo.InvariantCulture) + " MiB" : "—";
        Console.WriteLine($"Bot memory: {settings.Grants:N0} active grants among {settings.People} people; {EdgeBenchmark.MachineLoad()}");
        if (settings.BotEnvironment.Count > 0)
        {
            Console.WriteLine("bot environment: " + string.Join(' ', settings.BotEnvironment.Select(e => $"{e.Key}={e.Value}")));
        }

        Console.WriteLine($"traffic: {traffic.Summary}");
        Console.WriteLine();
        Console.WriteLine("| phase | VmRSS at end | highest VmRSS | VmHWM | GC heap | GC committed | jit_active_grants |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var row in rows)
        {
            Console.WriteLine($"| {row.Phase} | {MiB(row.Memory.Resident)} | {MiB(row.HighestResident)} | {MiB(row.Memory.Peak)} | {MiB(row.GcHeap)} | {MiB(row.GcCommitted)} | {row.ActiveGrants?.ToString(CultureInfo.InvariantCulture) ?? "—"} |");
        }
    }

    /// <summary>One round of a little traffic: a help command, a request, an Approve click on a pending request, a Home tab opened.</summary>
    private sealed class Traffic(HttpClient http, NpgsqlDataSource dataSource, IReadOnlyList<EdgeLogin> people)
    {
        private int _round;
        private int _sent;

        public int Failures { get; private set; }

        public TimeSpan Took { get; set; }

        public string Summary => $"{_sent} signed requests in {Took.TotalSeconds:0} s, {Failures} not answered with 200";

        public async Task RoundAsync()
        {
            var person = people[_round++ % people.Count];
            await SendAsync(SignedRequest.Command(person.SlackId, "help", EdgeBenchmark.SigningSecret));
            await SendAsync(SignedRequest.Command(person.SlackId, "request prod-db-read 2h memory benchmark", EdgeBenchmark.SigningSecret));
            await using (var pending = dataSource.CreateCommand("SELECT id FROM jit.access_requests WHERE status = 'pending' ORDER BY id LIMIT 1"))
            {
                if (await pending.ExecuteScalarAsync() is long id)
                {
                    await SendAsync(SignedRequest.Approve(EdgeBenchmark.Approver, id, EdgeBenchmark.ApprovalChannel, EdgeBenchmark.SigningSecret));
                }
            }

            var opened = $$$"""{"type":"event_callback","team_id":"T0TEAM","api_app_id":"A0APP","event_id":"Ev{{{Guid.NewGuid():N}}}","event_time":{{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}}},"event":{"type":"app_home_opened","user":"{{{person.SlackId}}}","channel":"D0HOME","tab":"home"}}""";
            await SendAsync(SignedRequest.Sign("/slack/events", opened, EdgeBenchmark.SigningSecret), "application/json");
        }

        private async Task SendAsync(SignedRequest request, string mediaType = "application/x-www-form-urlencoded")
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, request.Path) { Content = new StringContent(request.Body, Encoding.UTF8) };
            message.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            message.Headers.Add("X-Slack-Request-Timestamp", request.Timestamp);
            message.Headers.Add("X-Slack-Signature", request.Signature);
            using var response = await http.SendAsync(message);
            _sent++;
            if (!response.IsSuccessStatusCode)
            {
                Failures++;
                Console.Error.WriteLine($"{request.Path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }
    }
}
