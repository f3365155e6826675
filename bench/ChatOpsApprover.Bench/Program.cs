using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ChatOpsApprover.Bench;
using ChatOpsApprover.Storage;

// Revocation lag benchmark: stock Hangfire scheduling (one delayed job per grant, default options) against
// ChatOpsApprover's revocation path, on the same workloads, against one PostgreSQL. Each engine × workload runs in
// its own child process so that peak memory is its own. Exits 1 if any revocation is missing.
//
//   dotnet run -c Release --project bench/ChatOpsApprover.Bench -- [--burst 2000] [--spread 10000] [--spread-over 3600]
//       [--grants 200] [--grants-over 20] [--engines stock,ours] [--postgres "<admin connection string>"]
// The "grant" workload plays approvals back over --grants-over seconds and times each GRANT from its approval.
if (args.Length > 0 && args[0] == "--child")
{
    return await RunChildAsync(args[1], Workload.Parse(args[2]), args[3]);
}

var options = ParseOptions(args);
var workloads = new List<Workload>();
if (options.Burst > 0)
{
    workloads.Add(new Workload("burst", options.Burst, TimeSpan.Zero));
}

if (options.Spread > 0)
{
    workloads.Add(new Workload("spread", options.Spread, TimeSpan.FromSeconds(options.SpreadOverSeconds)));
}

if (options.Grants > 0)
{
    workloads.Add(new Workload("grant", options.Grants, TimeSpan.FromSeconds(options.GrantsOverSeconds)));
}

var clusterFolder = Path.Combine(Path.GetTempPath(), $"chatops-bench-{Environment.ProcessId}");
await using var cluster = options.Postgres is null
    ? await LocalPostgresCluster.StartAsync(clusterFolder, 0, stopOnDispose: true)
    : null;
if (cluster is not null)
{
    // The server is stopped when the cluster is disposed; its data folder goes when the process ends.
    AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(clusterFolder, recursive: true);
}

var admin = options.Postgres ?? cluster!.ConnectionString("postgres");

var results = new List<RunResult>();
foreach (var workload in workloads)
{
    foreach (var engine in options.Engines)
    {
        Console.Error.WriteLine($"running {engine} on {workload.Name} ({workload.Count} grants{(workload.Spread > TimeSpan.Zero ? $" over {workload.Spread}" : " due in the same second")})…");
        results.Add(await RunChildProcessAsync(engine, workload, admin));
    }
}

Console.WriteLine();
Console.WriteLine($"{"engine",-8} {"workload",-8} {"grants",7} {"done",7} {"wrong",5} {"p50 ms",9} {"p99 ms",9} {"max ms",9} {"ops/s",10} {"peak MiB",9}");
foreach (var r in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{r.Engine,-8} {r.Workload,-8} {r.Expected,7} {r.Done,7} {r.Wrong,5} {r.P50Ms,9:F0} {r.P99Ms,9:F0} {r.MaxMs,9:F0} {r.PerSecond,10:F1} {r.PeakMemoryBytes / 1048576.0,9:F0}"));
}

var missing = results.Where(r => r.Done < r.Expected || r.Wrong > 0).ToList();
foreach (var r in missing)
{
    Console.WriteLine($"MISSING: {r.Engine} on {r.Workload}: {r.Expected - r.Done} operation(s) never ran, {r.Wrong} membership(s) wrong at the target");
}

return missing.Count == 0 ? 0 : 1;

static async Task<RunResult> RunChildProcessAsync(string engine, Workload workload, string admin)
{
    var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
    foreach (var argument in new[] { typeof(Workload).Assembly.Location, "--child", engine, workload.ToArgument(), admin })
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
    await BenchDatabase.CreateMembershipsAsync(connectionString, grantRole, logins);

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

    await ((engine, granting) switch
    {
        ("stock", false) => StockHangfireEngine.RunAsync(connectionString, grantRole, endsAt, measurements, deadline),
        ("stock", true) => StockHangfireEngine.GrantAsync(connectionString, grantRole, endsAt, measurements, deadline),
        (_, false) => ChatOpsApproverEngine.RunAsync(connectionString, grantRole, endsAt, measurements, deadline),
        (_, true) => ChatOpsApproverEngine.GrantAsync(connectionString, grantRole, endsAt, measurements, deadline),
    });

    // "left" is what is wrong at the target: memberships still held after revocations, or never made by grants.
    var members = await BenchDatabase.MembersLeftAsync(connectionString, grantRole);
    var left = granting ? workload.Count - members : members;
    var result = measurements.Summarise(engine, workload, endsAt, left);
    Console.WriteLine("RESULT " + JsonSerializer.Serialize(result));
    return 0;
}

static (int Burst, int Spread, double SpreadOverSeconds, int Grants, double GrantsOverSeconds, string[] Engines, string? Postgres) ParseOptions(string[] args)
{
    int burst = 2000, spread = 10000, grants = 200;
    double over = 3600, grantsOver = 20;
    string[] engines = ["stock", "ours"];
    string? postgres = null;
    for (var i = 0; i < args.Length; i++)
    {
        string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
        switch (args[i])
        {
            case "--burst": burst = int.Parse(Next(), CultureInfo.InvariantCulture); break;
            case "--spread": spread = int.Parse(Next(), CultureInfo.InvariantCulture); break;
            case "--spread-over": over = double.Parse(Next(), CultureInfo.InvariantCulture); break;
            case "--grants": grants = int.Parse(Next(), CultureInfo.InvariantCulture); break;
            case "--grants-over": grantsOver = double.Parse(Next(), CultureInfo.InvariantCulture); break;
            case "--engines": engines = Next().Split(',', StringSplitOptions.RemoveEmptyEntries); break;
            case "--postgres": postgres = Next(); break;
            default: throw new ArgumentException($"Unknown argument {args[i]}. Use --burst N, --spread N, --spread-over SECONDS, --grants N, --grants-over SECONDS, --engines stock,ours, --postgres CONNSTRING.");
        }
    }

    return (burst, spread, over, grants, grantsOver, engines, postgres);
}
