using System.Globalization;

namespace ChatOpsApprover.Bench.Edge;

/// <summary>The table the benchmark prints.</summary>
public static class EdgeReport
{
    public static void Print(IReadOnlyList<EdgeRow> rows, EdgeSettings settings, string machineLoad, string summary)
    {
        var bolt = rows.FirstOrDefault(r => r.Server == "Bolt");
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrk, {settings.Connections} connections, {settings.Threads} threads, {settings.Duration.TotalSeconds:F0} s per run after {settings.Warmup.TotalSeconds:F0} s of warm-up; machine at the end: {machineLoad}"));
        Console.WriteLine();
        Console.WriteLine($"{"server",-6} {"scenario",-14} {"requests",9} {"req/s",9} {"× Bolt",7} {"p50 ms",8} {"p99 ms",8} {"max ms",8} {"errors",6} {"CPU ms/req (whole system)",-50} {"drain s",7}");
        foreach (var row in rows)
        {
            var ratio = bolt is null ? "—" : (row.Load.PerSecond / bolt.Load.PerSecond).ToString("F2", CultureInfo.InvariantCulture);
            var cpu = string.Join(" + ", row.Cpu.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Part} {c.MsPerRequest:F3}")))
                + (row.Cpu.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $" = {row.CpuTotal:F3}") : string.Empty);
            var drain = row.Drain is { } d ? d.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) : "never";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{row.Server,-6} {row.Scenario,-14} {row.Load.Requests,9} {row.Load.PerSecond,9:F0} {ratio,7} {row.Load.P50Ms,8:F1} {row.Load.P99Ms,8:F1} {row.Load.MaxMs,8:F1} {row.Load.Errors,6} {cpu,-50} {drain,7}"));
        }

        Console.WriteLine();
        foreach (var row in rows.Where(r => r.SlackCalls.Count > 0 && r.Load.Requests > 0))
        {
            var calls = string.Join(", ", row.SlackCalls.Where(c => c.Value > 0).OrderBy(c => c.Key, StringComparer.Ordinal)
                .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} {(double)c.Value / row.Load.Requests:F2}")));
            Console.WriteLine($"Slack Web API calls per request, {row.Server} {row.Scenario}: {(calls.Length == 0 ? "none" : calls)}");
        }

        foreach (var row in rows.Where(r => r.DatabaseSessions.Length > 0))
        {
            Console.WriteLine($"Active database sessions on average (what they wait for), {row.Server} {row.Scenario}: {row.DatabaseSessions}");
        }

        foreach (var row in rows.Where(r => r.Database is not null))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Database work per request, {row.Server} {row.Scenario} (background included; the bot's idle polling too): {row.Database!.Commits:F2} commits, {row.Database.WalFlushes:F2} WAL flushes, {row.Database.StatementTotal:F1} statements"));
        }

        Console.WriteLine(summary);
    }
}
