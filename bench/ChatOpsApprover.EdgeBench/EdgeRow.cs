namespace ChatOpsApprover.Bench.Edge;

/// <summary>One measured scenario: what wrk saw, CPU milliseconds per request by part, and how long the background took to finish.</summary>
public sealed record EdgeRow(
    string Server,
    string Scenario,
    LoadResult Load,
    IReadOnlyList<(string Part, double MsPerRequest)> Cpu,
    TimeSpan? Drain,
    IReadOnlyDictionary<string, long> SlackCalls,
    string DatabaseSessions,
    DatabaseCost? Database)
{
    public bool BackgroundFinished => Drain is not null;

    public double CpuTotal => Cpu.Sum(c => c.MsPerRequest);
}
