namespace ChatOpsApprover.Domain;

/// <summary>Stable names of audit events: auditors and SIEM rules key on them, so never rename one.</summary>
public static class AuditEvents
{
    public const string RequestCreated = "request.created";
    public const string RequestApprovalRecorded = "request.approval_recorded";
    public const string RequestApproved = "request.approved";
    public const string RequestDenied = "request.denied";
    public const string RequestWithdrawn = "request.withdrawn";
    public const string GrantSucceeded = "grant.succeeded";
    public const string GrantFailed = "grant.failed";
    public const string AccessRevoked = "access.revoked";
    public const string AccessExpired = "access.expired";
    public const string RevokeFailed = "access.revoke_failed";

    /// <summary>A burst of inbound chat requests with bad signatures (one entry per burst, never one per request).</summary>
    public const string SecuritySignatureFailures = "security.signature_failures";
}

/// <summary>One entry for the append-only audit log.</summary>
public sealed record AuditEntry(
    string Event,
    long? RequestId,
    string Actor,
    ChatPlatform Platform,
    DateTimeOffset At,
    IReadOnlyDictionary<string, string>? Details = null);
