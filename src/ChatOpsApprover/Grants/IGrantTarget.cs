namespace ChatOpsApprover.Grants;

/// <summary>
/// A system where access is given, taken and checked. Every operation is idempotent (jobs run at least once, and a
/// reply may be lost after the target acted): granting what is there, or revoking what is not, succeeds.
/// </summary>
public interface IGrantTarget
{
    /// <summary>Whether one grant here serves every request of a login (and so may predate the bot) or belongs to one request.</summary>
    GrantSharing Sharing { get; }

    /// <summary>
    /// Whether <see cref="RevokeAsync"/> reads <see cref="TargetGrant.Approvers"/>: when it does not, the revocation sweep
    /// claims its batches without the requests' decisions (one query less per batch).
    /// </summary>
    bool RevokeNamesApprovers { get; }

    /// <summary>
    /// Whether the login already holds the grant by other means than the bot, asked once, before the first grant attempt.
    /// Such a grant changes nothing at the target and its end never revokes. Targets whose grants belong to one request answer false.
    /// </summary>
    Task<bool> HeldOutsideAsync(TargetGrant grant, CancellationToken cancellationToken);

    /// <summary>
    /// Gives the access and returns the target's receipt (handed back on revoke), or null. Throws
    /// <see cref="GrantRefusedException"/> when the target refuses for good; any other failure is retried.
    /// </summary>
    Task<string?> GrantAsync(TargetGrant grant, CancellationToken cancellationToken);

    /// <summary>
    /// Takes each grant away, in as few round trips as the target allows, and checks it is gone where the target can
    /// tell; one result per grant, in order. Throws when the target could not be asked at all (every grant is then retried).
    /// </summary>
    Task<IReadOnlyList<RevokeResult>> RevokeAsync(IReadOnlyList<TargetGrant> grants, CancellationToken cancellationToken);

    /// <summary>
    /// Drift: the access the target holds now among <paramref name="known"/> (what the bot's records say it gave), and,
    /// where the target can list it, every other grant there that looks like the bot's (the grants of its roles, or
    /// bindings carrying its labels).
    /// </summary>
    Task<IReadOnlyList<FoundAccess>> CheckAsync(IReadOnlyList<TargetGrant> known, CancellationToken cancellationToken);
}
