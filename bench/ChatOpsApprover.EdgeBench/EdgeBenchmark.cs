using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ChatOpsApprover.Storage;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace ChatOpsApprover.Bench.Edge;

/// <summary>
/// One run: PostgreSQL, the stand-in Slack Web API, the bot and (optionally) the Bolt reference, each a process of its
/// own; then each scenario is warmed up, measured with wrk, and followed until the background work it caused (card
/// and notification jobs, grants, audit-channel posts) has finished, so the CPU time read before and after covers it.
/// </summary>
public static class EdgeBenchmark
{
    internal const string SigningSecret = "edge-bench-signing-secret-0123456789abcdef";
    internal const string ApprovalChannel = "C0APPROVALS";
    internal const string Approver = "U0BOB";

    public static async Task<int> RunAsync(EdgeSettings settings)
    {
        var work = Directory.CreateTempSubdirectory("chatops-edge-").FullName;

        // Not inside work: PostgreSQL's own user must reach its folder, and a temporary subdirectory is private.
        var clusterFolder = Path.Combine(Path.GetTempPath(), $"chatops-edge-postgres-{Environment.ProcessId}");
        var processes = new List<Process>();
        LocalPostgresCluster? cluster = null;
        try
        {
            Console.Error.WriteLine($"machine at start: {MachineLoad()}");
            // pg_stat_statements gives the statements each request costs; a server given with --postgres may lack it.
            cluster = settings.Postgres is null
                ? await LocalPostgresCluster.StartAsync(clusterFolder, 0, stopOnDispose: true, extraServerOptions: "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all")
                : null;
            var admin = settings.Postgres ?? cluster!.ConnectionString("postgres");
            var connectionString = await CreateDatabaseAsync(admin, $"edge_{Environment.ProcessId}");
            var logins = await CreateLoginsAsync(connectionString, settings.People);

            var slackPort = FreePort();
            var slack = StartChild(processes, "dotnet", [typeof(EdgeBenchmark).Assembly.Location, "fake-slack", slackPort.ToString(CultureInfo.InvariantCulture)], null, Path.Combine(work, "fake-slack.log"));
            var slackUrl = $"http://127.0.0.1:{slackPort}";
            await WaitUntilAnswersAsync($"{slackUrl}/counts", "the stand-in Slack Web API");

            var botPort = FreePort();
            var bot = StartChild(processes, "dotnet", [Path.Combine(AppContext.BaseDirectory, "ChatOpsApprover.dll")], BotEnvironment(botPort, connectionString, slackUrl, logins), Path.Combine(work, "bot.log"));
            var botUrl = $"http://127.0.0.1:{botPort}";
            await WaitUntilAnswersAsync($"{botUrl}/healthz", "the bot");

            var postmaster = await PostmasterPidAsync(connectionString);
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            // The session sampler reads the cluster-wide view from another database, so its reads do not count as the bot's.
            await using var adminSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres" }.ConnectionString);
            var background = new BackgroundWork(dataSource);
            var measure = new Measurer(settings, work, slackUrl, new WaitSampler(adminSource, new NpgsqlConnectionStringBuilder(connectionString).Database!), new DatabaseCounters(dataSource, background));
            var rows = new List<EdgeRow>();

            if (settings.BoltDirectory is { } boltDirectory)
            {
                var boltPort = FreePort();
                var node = StartChild(processes, "node", [Path.Combine(boltDirectory, "app.js"), boltPort.ToString(CultureInfo.InvariantCulture), SigningSecret, $"{slackUrl}/api/"], null, Path.Combine(work, "bolt.log"));
                await WaitUntilListeningAsync(boltPort, "the Bolt app");
                rows.Add(await measure.RunAsync("Bolt", "/jit help", $"http://127.0.0.1:{boltPort}", seconds => Task.FromResult(Help(seconds)),
                    [new CpuShare("node", () => CpuMeter.ProcessMs(node.Id))], quiet: null));
            }

            CpuShare[] ours =
            [
                new("bot", () => CpuMeter.ProcessMs(bot.Id)),
                new("postgres", () => CpuMeter.TreeMs(postmaster)),
                new("slack api", () => CpuMeter.ProcessMs(slack.Id)),
            ];
            rows.Add(await measure.RunAsync("ours", "/jit help", botUrl, seconds => Task.FromResult(Help(seconds)), ours, background));
            if (!settings.HelpOnly)
            {
                rows.Add(await measure.RunAsync("ours", "/jit request", botUrl, seconds => Task.FromResult(Requests(logins, seconds)), ours, background));
                rows.Add(await measure.RunAsync("ours", "Approve click", botUrl, async _ =>
                    (await background.PendingRequestIdsAsync()).Select(id => SignedRequest.Approve(Approver, id, ApprovalChannel, SigningSecret)).ToList(), ours, background));
            }

            EdgeReport.Print(rows, settings, MachineLoad(), await background.SummaryAsync());
            Console.WriteLine($"bot process memory at the end: {Memory(bot.Id)}");
            return rows.Any(r => r.Load.Errors > 0 || !r.BackgroundFinished) ? 1 : 0;
        }
        finally
        {
            await CleanUpAsync(processes, cluster, clusterFolder, work, settings.Keep);
        }
    }

    // The bot refuses a signature it has seen (a replay), so every request is signed afresh: enough for the fastest
    // rate each scenario can reach on a small machine (a thread that runs out stops, which the request count shows).
    private static IReadOnlyList<SignedRequest> Help(TimeSpan seconds) =>
        Enumerable.Range(0, (int)(seconds.TotalSeconds * 40_000)).Select(_ => SignedRequest.Command("U0ANYONE", "help", SigningSecret)).ToList();

    private static IReadOnlyList<SignedRequest> Requests(IReadOnlyList<EdgeLogin> logins, TimeSpan seconds) =>
        Enumerable.Range(0, (int)(seconds.TotalSeconds * 5_000))
            .Select(i => SignedRequest.Command(logins[i % logins.Count].SlackId, "request prod-db-read 2h edge benchmark", SigningSecret)).ToList();

    /// <summary>Configuration of the bot, as environment variables over its appsettings.json (as an operator would set it).</summary>
    internal static Dictionary<string, string> BotEnvironment(int port, string connectionString, string slackUrl, IReadOnlyList<EdgeLogin> logins)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Urls"] = $"http://127.0.0.1:{port}",
            ["ConnectionStrings__Postgres"] = connectionString,
            ["Slack__SigningSecret"] = SigningSecret,
            ["Slack__BotToken"] = "xoxb-edge-bench",
            ["Slack__ApiBaseUrl"] = $"{slackUrl}/api/",
            ["Roles__prod-db-read__Grant"] = EdgeLogin.GrantRole,
            ["Roles__prod-db-read__StepUp"] = "None",
            ["Roles__prod-db-read__SlackChannel"] = ApprovalChannel,
            ["Audit__SlackChannel"] = "C0AUDIT",
            // Production requires a key-encryption key for the Data Protection key ring; a fresh one per run.
            ["DataProtection__KeyEncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        };
        // Every target the shipped configuration names lives in the benchmark's database.
        var shipped = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json")).Build();
        foreach (var target in shipped.GetSection("Targets").GetChildren())
        {
            environment[$"Targets__{target.Key}__ConnectionString"] = connectionString;
        }

        // The benchmark's people may request the role: a group of their own among its requesters.
        environment["Roles__prod-db-read__Requesters__1"] = "group:edge";
        foreach (var (login, index) in logins.Select((l, i) => (l, i)))
        {
            environment[$"Groups__edge__{index}"] = login.PersonId;
            environment[$"People__{login.PersonId}__Slack"] = login.SlackId;
            environment[$"People__{login.PersonId}__Logins__prod-db"] = login.Login;
        }

        return environment;
    }

    /// <summary>Stops the bot and helpers this run started, and its own PostgreSQL; keeps the logs when asked.</summary>
    internal static async Task CleanUpAsync(List<Process> processes, LocalPostgresCluster? cluster, string clusterFolder, string work, bool keep)
    {
        foreach (var process in processes)
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        if (cluster is not null)
        {
            await cluster.DisposeAsync();
            Directory.Delete(clusterFolder, recursive: true);
        }

        if (keep)
        {
            Console.Error.WriteLine($"logs kept in {work}");
        }
        else
        {
            Directory.Delete(work, recursive: true);
        }
    }

    internal static async Task<string> CreateDatabaseAsync(string admin, string name)
    {
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {SqlIdentifier.Quote(name)}", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = true, MaxPoolSize = 100 }.ConnectionString;
    }

    /// <summary>The grant role and one login per requester at the target, so every approval really grants.</summary>
    internal static async Task<IReadOnlyList<EdgeLogin>> CreateLoginsAsync(string connectionString, int people)
    {
        var logins = Enumerable.Range(1, people).Select(i => new EdgeLogin(i)).ToList();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var sql = $"CREATE ROLE {EdgeLogin.GrantRole} NOLOGIN;" + string.Concat(logins.Select(l => $"CREATE ROLE {l.Login} LOGIN;"));
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
        return logins;
    }

    private static async Task<int> PostmasterPidAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
        return CpuMeter.ParentOf((int)(await command.ExecuteScalarAsync())!);
    }

    internal static Process StartChild(List<Process> processes, string file, string[] arguments, IReadOnlyDictionary<string, string>? environment, string logFile)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} could not be started.");
        processes.Add(process);
        var log = new StreamWriter(logFile) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.WriteLine(line);
            }
        }
    }

    internal static async Task WaitUntilAnswersAsync(string url, string what)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync(url);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{what} did not answer at {url} within 2 minutes.");
    }

    private static async Task WaitUntilListeningAsync(int port, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(200);
            }
        }

        throw new TimeoutException($"{what} did not listen on port {port} within a minute.");
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A process's resident set now (VmRSS) and at its peak (VmHWM), from /proc.</summary>
    private static string Memory(int pid)
    {
        var status = File.ReadAllLines($"/proc/{pid}/status");
        string Field(string name) => status.FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.Ordinal))?[(name.Length + 1)..].Trim() ?? "?";
        return $"resident {Field("VmRSS")}, peak {Field("VmHWM")}";
    }

    /// <summary>The load averages, as uptime prints them: the machine is shared, so every figure comes with it.</summary>
    public static string MachineLoad()
    {
        var parts = File.ReadAllText("/proc/loadavg").Split(' ');
        return $"load average {parts[0]}, {parts[1]}, {parts[2]} on {Environment.ProcessorCount} cores";
    }

    /// <summary>Reads the stand-in Slack Web API's call counts.</summary>
    public static async Task<Dictionary<string, long>> SlackCallsAsync(string slackUrl)
    {
        using var http = new HttpClient();
        return JsonSerializer.Deserialize<Dictionary<string, long>>(await http.GetStringAsync($"{slackUrl}/counts")) ?? [];
    }
}
