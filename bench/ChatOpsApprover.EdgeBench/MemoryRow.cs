using System.Globalization;

namespace ChatOpsApprover.Bench.Edge;

/// <summary>
/// The bot's memory at the end of a phase: its resident set (and the highest sampled during the phase), and what the
/// garbage collector reported after its last collection (heap and committed bytes), with the active-grant gauge, read
/// from the bot's /metrics.
/// </summary>
public sealed record MemoryRow(string Phase, ProcessMemory Memory, long HighestResident, long? GcHeap, long? GcCommitted, long? ActiveGrants)
{
    public static async Task<MemoryRow> ReadAsync(string phase, int pid, long highestResident, HttpClient http)
    {
        var metrics = (await http.GetStringAsync("/metrics")).Split('\n');
        return new MemoryRow(phase, ProcessMemory.Of(pid), highestResident,
            Sum(metrics, "dotnet_gc_last_collection_heap_size_bytes"),
            Sum(metrics, "dotnet_gc_last_collection_memory_committed_size_bytes"),
            Sum(metrics, "jit_active_grants"));
    }

    /// <summary>The sum of a metric's samples over its labels (the heap is reported per generation); null when absent.</summary>
    private static long? Sum(IEnumerable<string> lines, string metric)
    {
        long? sum = null;
        foreach (var line in lines)
        {
            if (line.StartsWith(metric, StringComparison.Ordinal) && line.Length > metric.Length && line[metric.Length] is '{' or ' ')
            {
                // name{labels} value [timestamp]
                var close = line.LastIndexOf('}');
                var value = line[(close >= 0 ? close + 1 : metric.Length)..].Trim().Split(' ')[0];

                sum = (sum ?? 0) + (long)double.Parse(value, CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }
}
