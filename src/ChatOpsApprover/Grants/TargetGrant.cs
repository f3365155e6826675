using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Grants;

/// <summary>
/// One request's access at a target, as the target gives, takes or checks it: <see cref="Grant"/> for
/// <see cref="Login"/> from <see cref="StartsAt"/> to <see cref="EndsAt"/>, asked by <see cref="PersonId"/> for
/// <see cref="Role"/>. <see cref="Receipt"/> is what the target answered when it granted (null before, or when it said
/// nothing). <see cref="CleanupDueAt"/> is set when the access is being cleaned up rather than ended (a grant whose reply
/// was lost, or drift): each clean-up is a revocation of its own, told apart from the end and from each other by it.
/// </summary>
public sealed record TargetGrant(
    long RequestId,
    string PersonId,
    string Role,
    string Grant,
    string Login,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string Reason,
    IReadOnlyList<string> Approvers,
    string? Receipt,
    DateTimeOffset? CleanupDueAt = null)
{
    public Membership Membership => new(Grant, Login);

    /// <summary>
    /// The request's access: its window once active; before that (a grant being made, or cleaned up after it failed), the
    /// window it was given, or would have been given, from <paramref name="startsAt"/> (default: when the grant was sent).
    /// </summary>
    public static TargetGrant Of(AccessRequest request, DateTimeOffset? startsAt = null)
    {
        var starts = request.GrantedAt ?? startsAt ?? request.GrantSentAt ?? request.RequestedAt;
        return new TargetGrant(
            request.Id,
            request.PersonId,
            request.RoleName,
            request.Grant,
            request.Login,
            starts,
            request.EndsAt ?? starts + request.ApprovedDuration,
            request.Reason,
            request.Approvals.Select(d => d.ApproverId).ToArray(),
            request.GrantReceipt,
            request.Status == RequestStatus.Active ? null : request.CleanupDueAt);
    }
}
