using System.Globalization;
using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Audit;

/// <summary>
/// Audit entries in words, the same on every platform (plain text: adapters escape it for their markup). Event kinds
/// this class does not know are shown by their stable name with all their details, so new kinds need no change here.
/// </summary>
public static class AuditText
{
    private const int MaxDetailLength = 300;

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static string Label(string @event) => @event switch
    {
        AuditEvents.RequestCreated => "Requested",
        AuditEvents.RequestApprovalRecorded => "Approval recorded",
        AuditEvents.RequestApproved => "Approved",
        AuditEvents.RequestDenied => "Denied",
        AuditEvents.RequestWithdrawn => "Withdrawn",
        AuditEvents.RequestTimedOut => "Timed out",
        AuditEvents.RequestReminded => "Approvers reminded",
        AuditEvents.RequestEscalated => "Escalated",
        AuditEvents.GrantSucceeded => "Access granted",
        AuditEvents.AccessEndingReminded => "Requester reminded the access ends soon",
        AuditEvents.ExtensionRequested => "Extension asked for",
        AuditEvents.ExtensionApprovalRecorded => "Extension approval recorded",
        AuditEvents.ExtensionDenied => "Extension denied",
        AuditEvents.ExtensionRefused => "Extension refused",
        AuditEvents.ExtensionLapsed => "Extension lapsed",
        AuditEvents.StepUpReviewed => "Step-up review closed",
        AuditEvents.AccessExtended => "Access extended",
        AuditEvents.GrantFailed => "Grant failed",
        AuditEvents.AccessRevoked => "Access revoked",
        AuditEvents.AccessExpired => "Access expired",
        AuditEvents.RevokeFailed => "Revocation failed (retrying)",
        AuditEvents.AccessLeftoverRevoked => "Access left at the target revoked",
        AuditEvents.AccessDrift => "Drift at the target",
        AuditEvents.SecuritySignatureFailures => "Burst of requests with bad signatures",
        AuditEvents.SecurityReplaysRefused => "Replayed requests refused",
        AuditEvents.AuditRead => "Audit log read",
        AuditEvents.MfaEnrolled => "New second factor enrolled",
        AuditEvents.MfaEnrollmentApproved => "Enrollment approved",
        AuditEvents.MfaEnrollmentRefused => "Enrollment refused",
        AuditEvents.MfaPasskeyCloneSuspected => "ALERT: passkey may be cloned (its counter went backwards), refused",
        AuditEvents.StepUpReviewNeeded => "Needs review: risky step-up let through",
        AuditEvents.BreakGlassUsed => "BREAK-GLASS used, needs review",
        AuditEvents.BreakGlassReviewed => "Break-glass use reviewed",
        _ => @event,
    };

    /// <summary>"Approved by bob", the headline of one entry.</summary>
    public static string Headline(AuditRecord record) => $"{Label(record.Event)} by {record.Actor}";

    /// <summary>The entry's details as "key: value" pairs, each value shortened to a readable length.</summary>
    public static string Details(AuditRecord record) =>
        string.Join(" · ", record.Details.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"{d.Key}: {Shorten(d.Value)}"));

    /// <summary>One line of a request's history: time, headline, details.</summary>
    public static string Line(AuditRecord record)
    {
        var details = record.Event == AuditEvents.RequestCreated ? string.Empty : Details(record);
        return $"{Time(record.At)} — {Headline(record)}{(details.Length > 0 ? " (" + details + ")" : string.Empty)}";
    }

    /// <summary>The entry's place in the chain, so a chat message anchors the hash outside the database.</summary>
    public static string Anchor(AuditRecord record) =>
        $"{record.Event} · entry {record.Id.ToString(CultureInfo.InvariantCulture)} · sha256 {record.Hash}";

    public static string Status(AuditTimeline timeline)
    {
        var status = "Unknown";
        foreach (var record in timeline.Events)
        {
            var details = record.Details;
            status = record.Event switch
            {
                AuditEvents.RequestCreated => "Waiting for approval",
                AuditEvents.RequestApprovalRecorded => $"Waiting for approval ({details.GetValueOrDefault("approvals", "?")} of {details.GetValueOrDefault("required", "?")})",
                AuditEvents.RequestApproved => "Approved, access is being granted",
                AuditEvents.RequestDenied => $"Denied by {record.Actor}",
                AuditEvents.RequestWithdrawn => $"Withdrawn by {record.Actor}",
                AuditEvents.RequestTimedOut => $"Timed out: nobody decided it within {details.GetValueOrDefault("timeout", "its PendingTimeout")}",
                AuditEvents.GrantSucceeded or AuditEvents.AccessExtended => details.TryGetValue("ends_at", out var ends) && DateTimeOffset.TryParse(ends, CultureInfo.InvariantCulture, DateTimeStyles.None, out var endsAt)
                    ? $"Active until {Time(endsAt)}"
                    : "Active",
                AuditEvents.GrantFailed => $"Failed: {Shorten(details.GetValueOrDefault("reason", "the grant could not be made"))}",
                AuditEvents.AccessRevoked => $"Revoked by {record.Actor}",
                AuditEvents.AccessExpired => "Expired: access ended at the end of its window",
                AuditEvents.RevokeFailed => "Still active: revocation failed and is being retried",
                AuditEvents.BreakGlassUsed => "Break-glass: no approver, waiting for the requester's second factor; needs review",
                _ => status,
            };
        }

        return status;
    }

    private static string Shorten(string text) => text.Length <= MaxDetailLength ? text : text[..(MaxDetailLength - 1)] + "…";
}
