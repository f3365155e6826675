using System.Globalization;
using System.Text.Json.Serialization;

namespace ChatOpsApprover.Grants.Webhook;

/// <summary>The JSON body of every webhook call (README: Webhook target). Field names are a contract: never rename one.</summary>
public sealed record WebhookCall(
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("requestId")] long RequestId,
    [property: JsonPropertyName("person")] string Person,
    [property: JsonPropertyName("login")] string Login,
    [property: JsonPropertyName("grant")] string Grant,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("startsAt")] string StartsAt,
    [property: JsonPropertyName("endsAt")] string EndsAt,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("approvers")] IReadOnlyList<string> Approvers)
{
    public static WebhookCall Of(WebhookAction action, TargetGrant grant) => new(
        Name(action),
        grant.RequestId,
        grant.PersonId,
        grant.Login,
        grant.Grant,
        grant.Role,
        Time(grant.StartsAt),
        Time(grant.EndsAt),
        grant.Reason,
        grant.Approvers);

    /// <summary>
    /// The same for every attempt of one action, so the receiver can do it once: a grant, the end of a request, and each
    /// clean-up (a drift's revoke-again is a new revocation, and must not be answered from the first one's record).
    /// </summary>
    public static string IdempotencyKey(WebhookAction action, TargetGrant grant) => action switch
    {
        WebhookAction.Revoke when grant.CleanupDueAt is { } cleanup => $"chatops-approver:{grant.RequestId}:revoke:{cleanup.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}",
        WebhookAction.Grant or WebhookAction.Revoke or WebhookAction.Check => $"chatops-approver:{grant.RequestId}:{Name(action)}",
    };

    private static string Name(WebhookAction action) => action switch
    {
        WebhookAction.Grant => "grant",
        WebhookAction.Revoke => "revoke",
        WebhookAction.Check => "check",
    };

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
