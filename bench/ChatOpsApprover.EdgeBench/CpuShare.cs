namespace ChatOpsApprover.Bench.Edge;

/// <summary>A part of the system whose CPU time is counted (the bot, PostgreSQL, the Slack stand-in, Bolt's node).</summary>
public sealed record CpuShare(string Name, Func<double> ReadMs);
