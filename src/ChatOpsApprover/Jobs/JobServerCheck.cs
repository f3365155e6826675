using Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace ChatOpsApprover.Jobs;

/// <summary>
/// Readiness: this instance's Hangfire server is running, i.e. announced in the storage, where it stays only while it
/// runs (it removes itself when it stops, and any server removes one whose heartbeats stopped). Grant jobs and chat
/// jobs both run there: the chat workers are processes of the same server.
/// </summary>
/// <param name="serverName">The name given to this instance's server; null when the instance runs none (Hangfire:RunServer false).</param>
public sealed class JobServerCheck(JobStorage storage, string? serverName) : IHealthCheck
{
    public const string Name = "hangfire";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (serverName is null)
        {
            return Task.FromResult(HealthCheckResult.Healthy("this instance runs no Hangfire server (Hangfire:RunServer is false)"));
        }

        try
        {
            // Hangfire names a server "<ServerName>:<process id>:<guid>", in lower case; a restart keeps the prefix.
            var prefix = serverName.ToLowerInvariant() + ":";
            var running = storage.GetMonitoringApi().Servers().FirstOrDefault(s => s.Name.StartsWith(prefix, StringComparison.Ordinal));
            return Task.FromResult(running is null
                ? HealthCheckResult.Unhealthy("this instance's Hangfire server is not running (not announced in the job storage)")
                : HealthCheckResult.Healthy($"this instance's Hangfire server is running (last heartbeat {running.Heartbeat:u})"));
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("the job storage cannot be read (database unreachable)"));
        }
    }
}
