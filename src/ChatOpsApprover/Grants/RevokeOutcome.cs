namespace ChatOpsApprover.Grants;

/// <summary>What "revoke &lt;id&gt;" did (<see cref="RevokeCommand"/>); each maps to one reply.</summary>
public enum RevokeOutcome
{
    Revoked,
    Withdrawn,
    NotFound,
    NotAllowed,
    AlreadyEnded,
    TargetUnavailable,
}
