using System.Collections.Concurrent;

namespace ChatOpsApprover.Bench;

/// <summary>Lag of each operation: from when it was due (window end, or approval) to its REVOKE or GRANT committed at the target.</summary>
public sealed class Measurements
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _revokedAt = new(StringComparer.Ordinal);

    public int Count => _revokedAt.Count;

    public void Done(string login, DateTimeOffset at) => _revokedAt.TryAdd(login, at);

    public RunResult Summarise(string engine, Workload workload, IReadOnlyDictionary<string, DateTimeOffset> endsAt, int stillMembers, StepSummary? bot = null)
    {
        var lags = endsAt
            .Where(e => _revokedAt.ContainsKey(e.Key))
            .Select(e => (_revokedAt[e.Key] - e.Value).TotalMilliseconds)
            .Order()
            .ToArray();
        double Percentile(double p) => lags.Length == 0 ? double.NaN : lags[Math.Min(lags.Length - 1, (int)Math.Ceiling(p * lags.Length) - 1)];
        var first = endsAt.Values.Min();
        var last = _revokedAt.Values.DefaultIfEmpty(first).Max();
        var seconds = Math.Max(0.001, (last - first).TotalSeconds);
        return new RunResult(engine, workload.Name, endsAt.Count, lags.Length, stillMembers, Percentile(0.50), Percentile(0.99), lags.Length == 0 ? double.NaN : lags[^1], lags.Length / seconds, PeakMemory(), bot);
    }

    /// <summary>The process's peak resident set (VmHWM), the number `time -v` reports as maximum resident set size.</summary>
    private static long PeakMemory()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
