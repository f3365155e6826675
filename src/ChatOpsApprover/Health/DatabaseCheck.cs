using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace ChatOpsApprover.Health;

/// <summary>The bot's database answers a query: part of both liveness and readiness.</summary>
public sealed class DatabaseCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public const string Name = "database";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy("the database answers");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("database unreachable");
        }
    }
}
