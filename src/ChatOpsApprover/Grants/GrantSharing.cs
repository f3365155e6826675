namespace ChatOpsApprover.Grants;

/// <summary>Whose a grant at a target is, which decides when the end of a request may take it away.</summary>
public enum GrantSharing
{
    /// <summary>
    /// One grant serves every request for the same grant and login (PostgreSQL role membership): it is taken away only
    /// when no other active request needs it, and never when the person held it before the bot (<see cref="IGrantTarget.HeldOutsideAsync"/>).
    /// </summary>
    Membership,

    /// <summary>Each request has a grant of its own (a webhook call, a RoleBinding named after the request): its end takes away just that one.</summary>
    Request,
}
