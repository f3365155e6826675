namespace ChatOpsApprover.Grants;

/// <summary>What became of one grant a target was asked to take away.</summary>
public enum RevokeStatus
{
    /// <summary>It is gone (or was never there), checked at the target where it can be.</summary>
    Revoked,

    /// <summary>Not taken away, rightly: the person holds it by other means than the bot (a standing membership, never touched), or another active request still needs it.</summary>
    Kept,

    /// <summary>It may still be there: retried with back-off until it is gone.</summary>
    Failed,
}
