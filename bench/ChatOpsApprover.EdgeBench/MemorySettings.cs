namespace ChatOpsApprover.Bench.Edge;

/// <summary>
/// What one run of the memory benchmark does: how many active grants the bot holds, among how many people, how long it
/// idles before and after a little traffic (rounds of requests, at most so many a second), and extra environment for the bot (e.g. DOTNET_gcServer=0 to compare
/// garbage collectors without rebuilding), and which ChatOpsApprover.dll to run (default: the one built beside the
/// benchmark; e.g. a published, ReadyToRun-compiled one).
/// </summary>
public sealed record MemorySettings(int Grants, int People, TimeSpan Idle, int Rounds, double TrafficPerSecond, IReadOnlyDictionary<string, string> BotEnvironment, string? Postgres, bool Keep, string? BotDll = null);
