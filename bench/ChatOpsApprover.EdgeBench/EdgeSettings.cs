namespace ChatOpsApprover.Bench.Edge;

/// <summary>What one run of the edge benchmark does: the load generator's shape and what it drives.</summary>
/// <param name="Scenarios">Which of ours to run: help, request, click (a click needs pending requests: it runs after request).</param>
/// <param name="HoldJobs">Run the bot without its Hangfire server and without an audit channel: jobs are enqueued but not run, so the cost measured is the answer's (with the outbox relay and the audit sealer).</param>
public sealed record EdgeSettings(
    int Connections, int Threads, TimeSpan Duration, TimeSpan Warmup, int People, string? BoltDirectory, string? Postgres, bool Keep,
    IReadOnlySet<string> Scenarios, bool HoldJobs);
