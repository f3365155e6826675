using System.Globalization;
using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Jobs;

namespace ChatOpsApprover.Requests;

/// <summary>
/// Ends requests nobody decided within their role's PendingTimeout: each moves to <see cref="RequestStatus.TimedOut"/>
/// with its audit entry in one transaction (rows claimed with SKIP LOCKED, so each is ended once across instances);
/// then, through a job, cards lose their buttons and requesters are told. Run on time by
/// <see cref="PendingTimeoutScheduler"/>.
/// </summary>
public sealed class PendingTimeout(RequestStore store, AuditLog audit, AccessDirectory directory, ChatNotifications notifications, TimeProvider time)
{
    private const int BatchSize = 200;

    /// <summary>Times out every pending request whose decision time has passed; returns how many.</summary>
    public Task<int> TimeOutDueAsync(CancellationToken cancellationToken) => ClaimedBatches.RunAsync(
        store.DataSource,
        audit,
        time,
        BatchSize,
        (connection, transaction, now) => store.ClaimTimedOutAsync(connection, transaction, now, BatchSize),
        async (connection, transaction, due, now) =>
        {
            await store.MoveManyAsync(connection, transaction, due, RequestStatus.TimedOut, new StatusChange(EndedAt: now, EndedBy: "policy"));
            return due.Select(r => new AuditEntry(AuditEvents.RequestTimedOut, r.Id, "policy", ChatPlatform.System, now,
                new Dictionary<string, string> { ["timeout"] = Timeout(r) })).ToList();
        },
        due => notifications.RequestsChanged(due.Select(r => r.Id).ToList()),
        cancellationToken);

    public Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken) => store.NextTimeoutAsync(cancellationToken);

    private string Timeout(AccessRequest request) =>
        directory.FindRole(request.RoleName) is { } role ? DurationText.Format(role.PendingTimeout) : "unknown (the role is gone)";
}
