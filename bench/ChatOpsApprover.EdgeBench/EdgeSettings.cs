namespace ChatOpsApprover.Bench.Edge;

/// <summary>What one run of the edge benchmark does: the load generator's shape and what it drives.</summary>
public sealed record EdgeSettings(int Connections, int Threads, TimeSpan Duration, TimeSpan Warmup, int People, string? BoltDirectory, string? Postgres, bool Keep);
