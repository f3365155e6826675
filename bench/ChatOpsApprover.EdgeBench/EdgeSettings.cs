namespace ChatOpsApprover.Bench.Edge;

/// <summary>
/// What one run of the edge benchmark does: the load generator's shape and what it drives (with HelpOnly, only Bolt and
/// our /jit help: the pair the 4× goal compares, in about a minute).
/// </summary>
public sealed record EdgeSettings(int Connections, int Threads, TimeSpan Duration, TimeSpan Warmup, int People, string? BoltDirectory, string? Postgres, bool Keep, bool HelpOnly = false);
