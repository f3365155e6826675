namespace ChatOpsApprover.Domain;

/// <summary>
/// Who may extend active access and by how much. Only the requester, only while the request is active and its window
/// has not ended, only on a role with <see cref="RoleDefinition.Extend"/>, and never so that access lasts more than
/// <see cref="ExtensionPolicy.MaxTotal"/> from when it was granted (a break-glass use: nor more than the role's
/// <see cref="BreakGlassRule.MaxDuration"/>). Checked when asked and again when an approver
/// approves, in the transaction that moves the end.
/// </summary>
public static class ExtensionRules
{
    /// <summary>The durations offered on the reminder's Extend control, as far as the role still allows.</summary>
    private static readonly TimeSpan[] Steps =
        [TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(4), TimeSpan.FromHours(8)];

    /// <summary>How much longer the window may still grow; zero when not active or not extendable.</summary>
    public static TimeSpan Remaining(AccessRequest request, RoleDefinition role) =>
        role.Extend is { } policy && request is { Status: RequestStatus.Active, GrantedAt: { } granted, EndsAt: { } ends }
            ? TimeSpan.FromTicks(Math.Max(0, (granted + MaxTotal(request, role, policy) - ends).Ticks))
            : TimeSpan.Zero;

    /// <summary>
    /// The longest the access may last in all: Extend's MaxTotal, and for a break-glass use no more than the role's
    /// BreakGlass MaxDuration either (nothing more when the role no longer allows break-glass): an emergency's
    /// unreviewed access must not be stretched past what break-glass itself allows.
    /// </summary>
    private static TimeSpan MaxTotal(AccessRequest request, RoleDefinition role, ExtensionPolicy policy) =>
        !request.BreakGlass ? policy.MaxTotal
        : role.BreakGlass is { } breakGlass ? TimeSpan.FromTicks(Math.Min(policy.MaxTotal.Ticks, breakGlass.MaxDuration.Ticks))
        : TimeSpan.Zero;

    /// <summary>The steps that still fit, shortest first; empty when none does.</summary>
    public static IReadOnlyList<TimeSpan> Choices(AccessRequest request, RoleDefinition role)
    {
        var remaining = Remaining(request, role);
        return Steps.Where(s => s <= remaining).ToArray();
    }

    /// <summary>Whether <paramref name="personId"/> may extend <paramref name="request"/> (of <paramref name="role"/>; null when gone) by <paramref name="by"/> at <paramref name="now"/>.</summary>
    public static ExtensionCheck Check(AccessRequest? request, RoleDefinition? role, string personId, TimeSpan by, DateTimeOffset now)
    {
        if (request is null || request.PersonId != personId)
        {
            return ExtensionCheck.NotYours;
        }

        if (role?.Extend is null)
        {
            return ExtensionCheck.NotExtendable;
        }

        if (request.Status != RequestStatus.Active || request.EndsAt is null || request.GrantedAt is null)
        {
            return ExtensionCheck.NotActive;
        }

        if (request.EndsAt <= now)
        {
            return ExtensionCheck.Ended;
        }

        return by <= TimeSpan.Zero || by > Remaining(request, role) ? ExtensionCheck.OverLimit : ExtensionCheck.Allowed;
    }
}
