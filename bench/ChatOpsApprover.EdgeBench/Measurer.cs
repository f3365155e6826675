namespace ChatOpsApprover.Bench.Edge;

/// <summary>Runs one scenario: warm-up, wait for quiet, read CPU, measured run, wait until its background work is done, read CPU.</summary>
public sealed class Measurer(EdgeSettings settings, string workFolder, string slackUrl, WaitSampler waits, DatabaseCounters counters)
{
    public async Task<EdgeRow> RunAsync(
        string server, string scenario, string baseUrl, Func<TimeSpan, Task<IReadOnlyList<SignedRequest>>> requests, IReadOnlyList<CpuShare> parts, BackgroundWork? quiet)
    {
        Console.Error.WriteLine($"{server}: {scenario}: warming up for {settings.Warmup.TotalSeconds:F0} s…");
        await LoadRun.RunAsync(baseUrl, await requests(settings.Warmup), settings, settings.Warmup, workFolder);
        if (quiet is not null && await quiet.WaitUntilDoneAsync() is null)
        {
            Console.Error.WriteLine("  the warm-up's background work did not finish within 3 minutes");
        }

        var signed = await requests(settings.Duration);
        var database = quiet is null ? null : await SettledAsync(counters);
        var before = parts.Select(p => p.ReadMs()).ToArray();
        var callsBefore = await EdgeBenchmark.SlackCallsAsync(slackUrl);
        Console.Error.WriteLine($"{server}: {scenario}: measuring for {settings.Duration.TotalSeconds:F0} s ({settings.Connections} connections)…");
        var running = LoadRun.RunAsync(baseUrl, signed, settings, settings.Duration, workFolder);
        var sessions = quiet is null ? string.Empty : await waits.SampleWhileAsync(running);
        var load = await running;
        var drain = quiet is null ? TimeSpan.Zero : await quiet.WaitUntilDoneAsync();
        var after = parts.Select(p => p.ReadMs()).ToArray();
        var callsAfter = await EdgeBenchmark.SlackCallsAsync(slackUrl);
        var requestCount = Math.Max(1, load.Requests);
        var cost = database is null ? null : (await SettledAsync(counters)).Since(database, requestCount);
        var cpu = parts.Select((p, i) => (p.Name, (after[i] - before[i]) / requestCount)).ToList();
        var calls = callsAfter.ToDictionary(c => c.Key, c => c.Value - callsBefore.GetValueOrDefault(c.Key), StringComparer.Ordinal);
        Console.Error.WriteLine($"  {load.Requests} requests, {load.PerSecond:F0}/s, p50 {load.P50Ms:F1} ms, p99 {load.P99Ms:F1} ms, background done after {drain?.TotalSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture) ?? "—"} s");
        if (sessions.Length > 0)
        {
            Console.Error.WriteLine($"  active database sessions on average: {sessions}");
        }

        if (cost is not null)
        {
            Console.Error.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"  per request: {cost.Commits:F2} commits, {cost.WalFlushes:F2} WAL flushes, {cost.StatementTotal:F1} statements; most frequent:"));
            Console.Error.WriteLine(cost.Describe(25));
        }

        return new EdgeRow(server, scenario, load, cpu, drain, calls, sessions, cost);
    }

    /// <summary>
    /// Reads the counters once every session has reported: PostgreSQL publishes an idle session's statistics up to 10 s
    /// late, so the read waits that long after the work is done (outside the CPU window).
    /// </summary>
    private static async Task<DatabaseSnapshot> SettledAsync(DatabaseCounters counters)
    {
        await Task.Delay(TimeSpan.FromSeconds(11));
        return await counters.ReadAsync();
    }
}
