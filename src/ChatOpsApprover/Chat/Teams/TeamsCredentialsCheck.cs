using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Chat.Teams;

/// <summary>
/// Readiness: when Teams is on (Teams:AppId set), its app id and password are both there. With no app id Teams is off
/// by design, and the bot is ready without it.
/// </summary>
public sealed class TeamsCredentialsCheck(IOptions<TeamsOptions> teams) : IHealthCheck
{
    public const string Name = "teams";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var settings = teams.Value;
        return Task.FromResult(settings switch
        {
            { IsConfigured: false } => HealthCheckResult.Healthy("Teams is not configured (Teams:AppId is empty)"),
            { AppPassword: var password } when string.IsNullOrWhiteSpace(password) =>
                HealthCheckResult.Unhealthy("Teams:AppPassword is not set, but Teams is on (Teams:AppId is set)"),
            _ => HealthCheckResult.Healthy("Teams' app id and password are set"),
        });
    }
}
