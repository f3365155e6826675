using ChatOpsApprover.Audit;
using ChatOpsApprover.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>
/// Readiness: when Slack is used (someone has a Slack id, a role or the audit trail has a Slack channel, or one of the
/// credentials is set), its bot token and either its signing secret or (Socket Mode) its app token are set: without
/// them every Slack request is refused and nothing can be posted. A bot nobody configured for Slack is ready without them.
/// </summary>
public sealed class SlackCredentialsCheck(IOptions<SlackOptions> slack, IOptions<AccessOptions> access, IOptions<AuditOptions> audit) : IHealthCheck
{
    public const string Name = "slack";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var missing = new List<string>();
        // Over Socket Mode nothing arrives signed: the app token's connection is the proof.
        if (string.IsNullOrWhiteSpace(slack.Value.SigningSecret) && string.IsNullOrWhiteSpace(slack.Value.AppToken))
        {
            missing.Add("Slack:SigningSecret (or Slack:AppToken for Socket Mode)");
        }

        if (string.IsNullOrWhiteSpace(slack.Value.BotToken))
        {
            missing.Add("Slack:BotToken");
        }

        var usedBy = UsedBy(missing);
        return Task.FromResult((missing.Count, usedBy) switch
        {
            (0, _) => HealthCheckResult.Healthy("Slack's credentials are set"),
            (_, null) => HealthCheckResult.Healthy("Slack is not configured"),
            _ => HealthCheckResult.Unhealthy($"{string.Join(" and ", missing)} not set, but Slack is used ({usedBy})"),
        });
    }

    /// <summary>The first configuration key that makes Slack used, or null when nothing does.</summary>
    private string? UsedBy(List<string> missing)
    {
        var person = access.Value.People.FirstOrDefault(p => p.Value.Identities.ContainsKey(SlackChat.Key)).Key;
        var role = access.Value.Roles.FirstOrDefault(r => r.Value.ApprovalChannels.ContainsKey(SlackChat.Key)).Key;
        if (person is not null)
        {
            return $"People:{person}:Slack";
        }

        if (role is not null)
        {
            return $"Roles:{role}:SlackChannel";
        }

        if (!string.IsNullOrWhiteSpace(audit.Value.SlackChannel))
        {
            return "Audit:SlackChannel";
        }

        // One credential alone is a set-up left half done, not an unused platform.
        return missing.Count == 1 ? "its other credential is set" : null;
    }
}
