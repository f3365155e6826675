using System.Globalization;

namespace ChatOpsApprover.Bench;

/// <summary>Grants whose windows end in a burst (all in the same second) or spread evenly over a span.</summary>
public sealed record Workload(string Name, int Count, TimeSpan Spread)
{
    /// <summary>End times relative to the moment the run starts; the lead leaves time to set every grant up first.</summary>
    public IReadOnlyList<TimeSpan> EndOffsets(TimeSpan lead) =>
        Enumerable.Range(0, Count)
            .Select(i => lead + (Spread == TimeSpan.Zero ? TimeSpan.FromMilliseconds(i % 1000 * 0.9) : Spread * i / Math.Max(1, Count - 1)))
            .ToArray();

    public string ToArgument() => $"{Name}:{Count}:{Spread.TotalSeconds.ToString(CultureInfo.InvariantCulture)}";

    public static Workload Parse(string text)
    {
        var parts = text.Split(':');
        return new Workload(parts[0], int.Parse(parts[1], CultureInfo.InvariantCulture), TimeSpan.FromSeconds(double.Parse(parts[2], CultureInfo.InvariantCulture)));
    }
}

/// <summary>What one engine did with one workload, and, for ours, the bot's own account of it (its metrics).</summary>
public sealed record RunResult(string Engine, string Workload, int Expected, int Done, int Wrong, double P50Ms, double P99Ms, double MaxMs, double PerSecond, long PeakMemoryBytes, StepSummary? Bot = null);
