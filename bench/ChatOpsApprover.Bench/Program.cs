using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ChatOpsApprover.Bench;
using ChatOpsApprover.Storage;

// Revocation lag benchmark: stock Hangfire scheduling (one delayed job per grant, default options) against
// ChatOpsApprover's revocation path, on the same workloads, against one PostgreSQL. Each engine × workload runs in
// its own child process so that peak memory is its own. Exits 1 if any revocation is missing, 2 on a wrong option.
//
//   dotnet run -c Release --project bench/ChatOpsApprover.Bench -- [--burst 2000] [--spread 10000] [--spread-over 3600]
//       [--grants 200] [--grants-over 20] [--engines stock,ours,webhook,ours-chat-down] [--postgres "<admin connection string>"]
// Environment variables BENCH_<key> (e.g. BENCH_Revocation__BatchesInFlight=1) override the bot's settings in our engines.
// The "grant" workload plays approvals back over --grants-over seconds and times each GRANT from its approval. For our
// engines it also prints where the revocation batches' time went, read from the bot's own metrics in its process.
var burst = new Option<int>("--burst") { Description = "Grants due in the same second (0: no burst workload)", HelpName = "count", DefaultValueFactory = _ => 2000 };
var spread = new Option<int>("--spread") { Description = "Grants due over --spread-over seconds (0: no spread workload)", HelpName = "count", DefaultValueFactory = _ => 10000 };
var spreadOver = new Option<double>("--spread-over") { Description = "Seconds the spread workload's ends span", HelpName = "seconds", DefaultValueFactory = _ => 3600 };
var grants = new Option<int>("--grants") { Description = "Approvals played back over --grants-over seconds (0: no grant workload)", HelpName = "count", DefaultValueFactory = _ => 200 };
var grantsOver = new Option<double>("--grants-over") { Description = "Seconds the approvals span", HelpName = "seconds", DefaultValueFactory = _ => 20 };
var engines = new Option<string[]>("--engines")
{
    Description = "Engines to run, comma-separated: stock (Hangfire, one delayed job per grant), ours (PostgreSQL target), webhook (ours, revoking through a webhook receiver on loopback) and ours-chat-down (ours while Slack's API refuses every connection); the last two on revocation workloads only",
    HelpName = "stock,ours,webhook,ours-chat-down",
    DefaultValueFactory = _ => ["stock", "ours", "webhook"],
    CustomParser = result => [.. result.Tokens.SelectMany(token => token.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
};
engines.Validators.Add(result =>
{
    foreach (var engine in result.GetValueOrDefault<string[]>().Except(["stock", "ours", "webhook", "ours-chat-down"]))
    {
        result.AddError($"Unknown engine '{engine}': use stock, ours, webhook and/or ours-chat-down (--engines stock,ours,webhook,ours-chat-down).");
    }
});
var postgres = new Option<string?>("--postgres") { Description = "Admin connection string of a PostgreSQL to use (default: the benchmark starts its own)", HelpName = "connection string" };

// The parent runs each engine × workload as "child <engine> <workload> <admin connection string>".
var engineArgument = new Argument<string>("engine");
var workloadArgument = new Argument<string>("workload");
var adminArgument = new Argument<string>("admin");
var child = new Command("child", "Runs one engine on one workload and prints its result") { Hidden = true };
child.Add(engineArgument);
child.Add(workloadArgument);
child.Add(adminArgument);
child.SetAction((result, _) => RunChildAsync(result.GetRequiredValue(engineArgument), Workload.Parse(result.GetRequiredValue(workloadArgument)), result.GetRequiredValue(adminArgument)));

var root = new RootCommand("Revocation lag benchmark: stock Hangfire scheduling against ChatOpsApprover's revocation path, on the same workloads")
{
    burst, spread, spreadOver, grants, grantsOver, engines, postgres, child,
};
root.SetAction((result, _) => RunAsync(
    result.GetValue(burst), result.GetValue(spread), result.GetValue(spreadOver), result.GetValue(grants), result.GetValue(grantsOver),
    result.GetRequiredValue(engines), result.GetValue(postgres)));

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine(error.Message);
    }

    Console.Error.WriteLine("See the options with --help.");
    return 2;
}

return await parsed.InvokeAsync();

static async Task<int> RunAsync(int burst, int spread, double spreadOverSeconds, int grants, double grantsOverSeconds, string[] engines, string? postgres)
{
    var workloads = new List<Workload>();
    if (burst > 0)
    {
        workloads.Add(new Workload("burst", burst, TimeSpan.Zero));
    }

    if (spread > 0)
    {
        workloads.Add(new Workload("spread", spread, TimeSpan.FromSeconds(spreadOverSeconds)));
    }

    if (grants > 0)
    {
        workloads.Add(new Workload("grant", grants, TimeSpan.FromSeconds(grantsOverSeconds)));
    }

    var clusterFolder = Path.Combine(Path.GetTempPath(), $"chatops-bench-{Environment.ProcessId}");
    await using var cluster = postgres is null
        ? await LocalPostgresCluster.StartAsync(clusterFolder, 0, stopOnDispose: true)
        : null;
    if (cluster is not null)
    {
        // The server is stopped when the cluster is disposed; its data folder goes when the process ends.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(clusterFolder, recursive: true);
    }

    var admin = postgres ?? cluster!.ConnectionString("postgres");

    var results = new List<RunResult>();
    foreach (var workload in workloads)
    {
        foreach (var engine in engines.Where(e => e is not ("webhook" or "ours-chat-down") || workload.Name != "grant"))
        {
            Console.Error.WriteLine($"running {engine} on {workload.Name} ({workload.Count} grants{(workload.Spread > TimeSpan.Zero ? $" over {workload.Spread}" : " due in the same second")})…");
            results.Add(await RunChildProcessAsync(engine, workload, admin));
        }
    }

    Console.WriteLine();
    Console.WriteLine($"{"engine",-14} {"workload",-8} {"grants",7} {"done",7} {"wrong",5} {"p50 ms",9} {"p99 ms",9} {"max ms",9} {"ops/s",10} {"peak MiB",9} {"chat calls",10} {"chat failed",11}");
    foreach (var r in results)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{r.Engine,-14} {r.Workload,-8} {r.Expected,7} {r.Done,7} {r.Wrong,5} {r.P50Ms,9:F0} {r.P99Ms,9:F0} {r.MaxMs,9:F0} {r.PerSecond,10:F1} {r.PeakMemoryBytes / 1048576.0,9:F0} {r.Bot?.ChatCalls.ToString(CultureInfo.InvariantCulture) ?? "-",10} {r.Bot?.ChatFailures.ToString(CultureInfo.InvariantCulture) ?? "-",11}"));
    }

    foreach (var r in results.Where(r => r.Bot is { Batches: > 0 }))
    {
        PrintSteps(r);
    }

    var missing = results.Where(r => r.Done < r.Expected || r.Wrong > 0).ToList();
    foreach (var r in missing)
    {
        Console.WriteLine($"MISSING: {r.Engine} on {r.Workload}: {r.Expected - r.Done} operation(s) never ran, {r.Wrong} membership(s) wrong at the target");
    }

    return missing.Count == 0 ? 0 : 1;
}

// Where a run's revocation time went, step by step, from the bot's jit_revocation_step_seconds (see README).
static void PrintSteps(RunResult r)
{
    var bot = r.Bot!;
    Console.WriteLine();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{r.Engine} on {r.Workload}: {bot.Batches} revocation batches, {bot.Rows} rows, {(double)bot.Rows / bot.Batches:F1} rows per batch"));
    Console.WriteLine($"{"step",-13} {"times",7} {"total ms",10} {"ms per batch",13} {"ms per time",12}");
    string[] order = ["wake", "wait", "claim", "lock", "still_needed", "target", "status", "audit", "jobs", "commit"];
    foreach (var step in bot.Steps.OrderBy(s => Array.IndexOf(order, s.Step) is var i && i < 0 ? int.MaxValue : i))
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{step.Step,-13} {step.Count,7} {step.TotalMs,10:F1} {step.TotalMs / bot.Batches,13:F2} {step.TotalMs / Math.Max(1, step.Count),12:F2}"));
    }

    var inBatch = bot.Steps.Where(s => s.Step is not ("wake" or "wait")).Sum(s => s.TotalMs);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{"claim→commit",-13} {bot.Batches,7} {inBatch,10:F1} {inBatch / bot.Batches,13:F2} {inBatch / bot.Rows,12:F3} per row"));
}

static async Task<RunResult> RunChildProcessAsync(string engine, Workload workload, string admin)
{
    var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
    foreach (var argument in new[] { typeof(Workload).Assembly.Location, "child", engine, workload.ToArgument(), admin })
    {
        start.ArgumentList.Add(argument);
    }

    using var process = Process.Start(start)!;
    var output = await process.StandardOutput.ReadToEndAsync();
    await process.WaitForExitAsync();
    var line = output.Split('\n').LastOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal))
        ?? throw new InvalidOperationException($"{engine} on {workload.Name} printed no result (exit code {process.ExitCode}).");
    return JsonSerializer.Deserialize<RunResult>(line["RESULT ".Length..])!;
}

static async Task<int> RunChildAsync(string engine, Workload workload, string admin)
{
    var suffix = $"{engine}_{workload.Name}_{Environment.ProcessId}";
    var connectionString = await BenchDatabase.CreateAsync(admin, $"bench_{suffix}");
    var grantRole = $"bench_grant_{suffix}";
    var logins = Enumerable.Range(1, workload.Count).Select(i => $"bench_{suffix}_{i}").ToArray();
    var webhook = engine == "webhook";
    if (!webhook)
    {
        await BenchDatabase.CreateMembershipsAsync(connectionString, grantRole, logins);
    }

    // Enough lead for every grant to be set up before the first one is due.
    var lead = workload.Name == "grant" ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(10) + TimeSpan.FromMilliseconds(4 * workload.Count);
    var t0 = DateTimeOffset.UtcNow;
    var endsAt = logins.Zip(workload.EndOffsets(lead), (login, offset) => (login, end: t0 + offset)).ToDictionary(x => x.login, x => x.end);
    var deadline = endsAt.Values.Max() + TimeSpan.FromMinutes(2);
    var measurements = new Measurements();
    var granting = workload.Name == "grant";
    if (granting)
    {
        // Grants start from no membership: approvals are played back at their moments, and each GRANT is timed.
        await BenchDatabase.RevokeAllAsync(connectionString, grantRole, logins);
    }

    if (webhook)
    {
        // "left" is what is wrong at the receiver: logins it never heard a revoke for.
        using var webhookMeter = new StepMeter();
        var notRevoked = await ChatOpsApproverEngine.RunWebhookAsync(connectionString, endsAt, measurements, deadline);
        Console.WriteLine("RESULT " + JsonSerializer.Serialize(measurements.Summarise(engine, workload, endsAt, notRevoked, webhookMeter.Summary())));
        return 0;
    }

    // The bot's own instruments, read in this process while it runs (ours only: stock has none).
    using var meter = new StepMeter();
    await ((engine, granting) switch
    {
        ("stock", false) => StockHangfireEngine.RunAsync(connectionString, grantRole, endsAt, measurements, deadline),
        ("stock", true) => StockHangfireEngine.GrantAsync(connectionString, grantRole, endsAt, measurements, deadline),
        (_, false) => ChatOpsApproverEngine.RunAsync(connectionString, grantRole, endsAt, measurements, deadline, chatDown: engine == "ours-chat-down"),
        (_, true) => ChatOpsApproverEngine.GrantAsync(connectionString, grantRole, endsAt, measurements, deadline),
    });

    // "left" is what is wrong at the target: memberships still held after revocations, or never made by grants.
    var members = await BenchDatabase.MembersLeftAsync(connectionString, grantRole);
    var left = granting ? workload.Count - members : members;
    var result = measurements.Summarise(engine, workload, endsAt, left, engine == "stock" ? null : meter.Summary());
    Console.WriteLine("RESULT " + JsonSerializer.Serialize(result));
    return 0;
}
