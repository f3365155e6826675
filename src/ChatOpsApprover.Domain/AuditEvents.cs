namespace ChatOpsApprover.Domain;

/// <summary>Stable names of audit events: auditors and SIEM rules key on them, so never rename one.</summary>
public static class AuditEvents
{
    public const string RequestCreated = "request.created";
    public const string RequestApprovalRecorded = "request.approval_recorded";
    public const string RequestApproved = "request.approved";
    public const string RequestDenied = "request.denied";
    public const string RequestWithdrawn = "request.withdrawn";

    /// <summary>Nobody decided the request within its role's PendingTimeout (details: timeout); actor "policy".</summary>
    public const string RequestTimedOut = "request.timed_out";

    /// <summary>The approvers of a waiting request were reminded, after the role's ReminderAfter (details: approvers); actor "policy".</summary>
    public const string RequestReminded = "request.reminded";

    /// <summary>A waiting request was escalated after the role's EscalateAfter: these people became its approvers (details: to); actor "policy".</summary>
    public const string RequestEscalated = "request.escalated";
    /// <summary>
    /// Someone took a role with break-glass, without an approver (details: role, duration, reason, review "needed"): the
    /// use needs review until a <see cref="BreakGlassReviewed"/> entry closes it. Its request also gets request.created
    /// and request.approved (actor "policy", rule "BreakGlass").
    /// </summary>
    public const string BreakGlassUsed = "breakglass.used";

    /// <summary>An approver of the role reviewed a break-glass use (details: note); actor: the reviewer.</summary>
    public const string BreakGlassReviewed = "breakglass.reviewed";

    /// <summary>The requester was told their access ends in 10 minutes (details: ends_at); actor "policy". Once per end.</summary>
    public const string AccessEndingReminded = "access.ending_reminded";

    /// <summary>The requester asked to extend active access and the role's approvers must agree (details: extension, by).</summary>
    public const string ExtensionRequested = "extension.requested";

    /// <summary>An approver approved an extension that needs more approvals (details: extension, approvals).</summary>
    public const string ExtensionApprovalRecorded = "extension.approval_recorded";

    /// <summary>An approver denied an extension (details: extension, by).</summary>
    public const string ExtensionDenied = "extension.denied";

    /// <summary>An extension was refused when decided: the access had ended, or had no room left (details: extension, by, why).</summary>
    public const string ExtensionRefused = "extension.refused";

    /// <summary>
    /// An extension still waiting when its access ended (expired or revoked) was closed, in the transaction that ended
    /// the access (details: extension, by, why); actor "policy".
    /// </summary>
    public const string ExtensionLapsed = "extension.lapsed";

    /// <summary>Active access was extended: its end moved (details: extension, by, from, ends_at, approved_by — "policy" when the role needs no approval).</summary>
    public const string AccessExtended = "access.extended";
    public const string GrantSucceeded = "grant.succeeded";
    public const string GrantFailed = "grant.failed";
    public const string AccessRevoked = "access.revoked";
    public const string AccessExpired = "access.expired";
    public const string RevokeFailed = "access.revoke_failed";

    /// <summary>
    /// Access that a request which never became active (withdrawn, failed, lapsed), or drift, left at the target was
    /// taken away (details: target, grant, login, membership).
    /// </summary>
    public const string AccessLeftoverRevoked = "access.leftover_revoked";

    /// <summary>
    /// The target and the bot's records disagree (details: target, kind — lingering, missing or unknown —, what was found,
    /// action). Reported once per finding; lingering access is revoked again, unknown access is never touched.
    /// </summary>
    public const string AccessDrift = "access.drift";

    /// <summary>A burst of inbound chat requests with bad signatures (one entry per burst, never one per request).</summary>
    public const string SecuritySignatureFailures = "security.signature_failures";

    /// <summary>
    /// Validly signed inbound chat requests refused because they were already handled: replays (one entry per
    /// platform per minute; details: count, endpoints, sources).
    /// </summary>
    public const string SecurityReplaysRefused = "security.replays_refused";

    /// <summary>
    /// Someone read the audit log (no request; details: via — export, verify or command —, range or scope, format,
    /// source, outcome). Written once the read is done, in its own short transaction, so security can tell who looked.
    /// </summary>
    public const string AuditRead = "audit.read";

    // The mfa.* events are about second factors; their names are older than the code's words and stay as they are.

    /// <summary>
    /// A person confirmed a new second factor with a valid code (enrollment). No request. Details: address, device,
    /// approval ("not required", or "awaiting an admin" with the enrollment's id in "enrollment").
    /// </summary>
    public const string MfaEnrolled = "mfa.enrolled";

    /// <summary>An admin approved a new enrollment (details: person, enrollment); the factor can be used from now on. No request.</summary>
    public const string MfaEnrollmentApproved = "mfa.enrollment_approved";

    /// <summary>An admin refused a new enrollment (details: person, enrollment); the factor was removed. No request.</summary>
    public const string MfaEnrollmentRefused = "mfa.enrollment_refused";

    /// <summary>An admin removed a person's second factor. No request.</summary>
    public const string MfaReset = "mfa.reset";

    /// <summary>
    /// A link was locked after too many wrong codes (details: purpose, attempts; request_id set for step-up links,
    /// null for enrollment), or a second factor was, after too many wrong step-up codes across links (details: scope
    /// "factor", failures).
    /// </summary>
    public const string MfaLocked = "mfa.locked";

    /// <summary>
    /// ALERT: a passkey answered with a signature counter that did not go forward, so it may have been copied; the
    /// answer was refused (details: person, passkey, stored_counter, address; request_id set on a step-up).
    /// </summary>
    public const string MfaPasskeyCloneSuspected = "mfa.passkey_clone_suspected";

    /// <summary>A person was asked to confirm with their second factor (details: purpose).</summary>
    public const string StepUpStarted = "stepup.started";

    /// <summary>A valid code confirmed a step-up (details: purpose, new_device, new_network).</summary>
    public const string StepUpVerified = "stepup.verified";

    /// <summary>
    /// A step-up was verified from a new device or network that the role's Risk rule watches with Review: access goes
    /// ahead, and the entry marks it for review (details: person, purpose, rule, why); actor "policy".
    /// </summary>
    public const string StepUpReviewNeeded = "stepup.review_needed";

    /// <summary>An approver of the role closed the review of step-ups marked for review (details: role, note, people); actor the reviewer.</summary>
    public const string StepUpReviewed = "stepup.reviewed";

    /// <summary>A valid code came from a new device or network and the role refuses that (details as for verified).</summary>
    public const string StepUpRefused = "stepup.refused";
}

/// <summary>One entry for the append-only audit log.</summary>
public sealed record AuditEntry(
    string Event,
    long? RequestId,
    string Actor,
    ChatPlatform Platform,
    DateTimeOffset At,
    IReadOnlyDictionary<string, string>? Details = null);
