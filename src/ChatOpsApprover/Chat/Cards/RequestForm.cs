using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Chat.Cards;

/// <summary>
/// The "request access" form, whatever draws it: the roles this person may request (with their descriptions), the
/// durations on offer, what was entered so far, and what was wrong with it (by field, or about the whole request).
/// </summary>
public sealed record RequestForm(
    IReadOnlyList<RoleDefinition> Roles,
    IReadOnlyList<TimeSpan> Durations,
    RequestFormValues Values,
    IReadOnlyDictionary<string, string> Errors,
    string? Problem)
{
    public const string RoleField = "role";
    public const string DurationField = "duration";
    public const string ReasonField = "reason";

    public const string Title = "Request access";

    /// <summary>Slack's selects hold at most 100 options.</summary>
    private const int MaxDurations = 100;

    /// <summary>The usual steps up to the longest of the roles, and each role's own maximum, so every maximum can be picked.</summary>
    public static IReadOnlyList<TimeSpan> DurationsFor(IReadOnlyList<RoleDefinition> roles)
    {
        if (roles.Count == 0)
        {
            return [];
        }

        var longest = roles.Max(r => r.MaxDuration);
        return ShorterDurations.Below(longest).Concat(roles.Select(r => r.MaxDuration)).Distinct().Order().Take(MaxDurations).ToArray();
    }

    /// <summary>A fresh form for someone who may request <paramref name="roles"/>.</summary>
    public static RequestForm Empty(IReadOnlyList<RoleDefinition> roles) =>
        new(roles, DurationsFor(roles), new RequestFormValues(null, null, null), new Dictionary<string, string>(), null);
}
