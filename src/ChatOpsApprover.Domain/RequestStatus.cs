namespace ChatOpsApprover.Domain;

/// <summary>
/// The lifecycle of an access request. Every change goes through <see cref="RequestLifecycle"/>.
/// </summary>
public enum RequestStatus
{
    /// <summary>Entered when a valid request is stored. Next: Approved, Denied, Revoked (withdrawn), TimedOut.</summary>
    Pending,

    /// <summary>Entered when enough approvers said yes (or policy needed none). Waiting for step-up and the grant. Next: Active, Failed, Revoked.</summary>
    Approved,

    /// <summary>Entered when the grant is committed at the target. Next: Expired, Revoked.</summary>
    Active,

    /// <summary>Terminal: the window ended and access was taken away.</summary>
    Expired,

    /// <summary>Terminal: someone ended the request or its access early.</summary>
    Revoked,

    /// <summary>Terminal: an approver said no.</summary>
    Denied,

    /// <summary>Terminal: the grant could not be made.</summary>
    Failed,

    /// <summary>
    /// Terminal: nobody decided the request within its role's PendingTimeout (stored "timedout"). Distinct from
    /// <see cref="Expired"/>, which ends access that was granted: a timed-out request never had any.
    /// </summary>
    TimedOut,
}

/// <summary>The one place that knows which status may follow which.</summary>
public static class RequestLifecycle
{
    public static bool CanMove(RequestStatus from, RequestStatus to) => (from, to) switch
    {
        (RequestStatus.Pending, RequestStatus.Approved or RequestStatus.Denied or RequestStatus.Revoked or RequestStatus.TimedOut) => true,
        (RequestStatus.Approved, RequestStatus.Active or RequestStatus.Failed or RequestStatus.Revoked) => true,
        (RequestStatus.Active, RequestStatus.Expired or RequestStatus.Revoked) => true,
        _ => false,
    };

    public static bool IsTerminal(RequestStatus status) =>
        status is RequestStatus.Expired or RequestStatus.Revoked or RequestStatus.Denied or RequestStatus.Failed or RequestStatus.TimedOut;

    /// <summary>Throws when a caller tries a move the lifecycle forbids: that is a bug, not a user error.</summary>
    public static void EnsureCanMove(RequestStatus from, RequestStatus to)
    {
        if (!CanMove(from, to))
        {
            throw new InvalidOperationException($"A request cannot move from {from} to {to}.");
        }
    }

    public static string ToStorage(RequestStatus status) => status.ToString().ToLowerInvariant();

    public static RequestStatus FromStorage(string value) =>
        Enum.Parse<RequestStatus>(value, ignoreCase: true);
}
