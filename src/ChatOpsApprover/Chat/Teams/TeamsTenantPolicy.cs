using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Chat.Teams;

/// <summary>A single-tenant bot (Teams:TenantId set) serves only its own tenant; a multi-tenant bot serves every tenant.</summary>
public sealed class TeamsTenantPolicy(IOptions<TeamsOptions> options, ILogger<TeamsTenantPolicy> logger)
{
    /// <summary>The 403 to answer an activity from a tenant this bot does not serve; null when it is served.</summary>
    public IResult? Refusal(TeamsActivity activity)
    {
        var settings = options.Value;
        if (settings.IsMultiTenant || string.Equals(activity.TenantId, settings.TenantId, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        logger.LogWarning("Ignored a Teams activity from tenant {Tenant}: this bot is single-tenant ({Configured})", activity.TenantId, settings.TenantId);
        return Results.Text("This bot serves only its own tenant.", statusCode: StatusCodes.Status403Forbidden);
    }
}
