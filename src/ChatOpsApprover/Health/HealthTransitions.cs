using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChatOpsApprover.Health;

/// <summary>
/// Logs each check's changes of state once — not ready (Warning, with what is wrong), ready again (Information) — rather
/// than at every probe: an orchestrator asks every few seconds, and a failing check would otherwise log at each ask.
/// </summary>
public sealed class HealthTransitions(ILogger<HealthTransitions> logger)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, bool> _ready = new(StringComparer.Ordinal);

    public void Record(HealthReport report)
    {
        foreach (var (name, entry) in report.Entries)
        {
            var ready = entry.Status != HealthStatus.Unhealthy;
            lock (_gate)
            {
                // Assumed ready until seen otherwise: a check that is fine from the start is never logged.
                if (_ready.GetValueOrDefault(name, true) == ready)
                {
                    _ready[name] = ready;
                    continue;
                }

                _ready[name] = ready;
            }

            if (ready)
            {
                logger.LogInformation("Health check {Check} passes again: {Detail}", name, HealthResponses.Detail(name, entry));
            }
            else
            {
                // A check that threw is unexpected: its stack trace helps. One that said what is wrong needs none.
                logger.LogWarning(entry.Exception is OperationCanceledException ? null : entry.Exception, "Health check {Check} fails: {Detail}", name, HealthResponses.Detail(name, entry));
            }
        }
    }
}
