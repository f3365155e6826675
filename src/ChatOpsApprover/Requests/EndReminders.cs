using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Jobs;

namespace ChatOpsApprover.Requests;

/// <summary>
/// Tells requesters their access ends in <see cref="EndReminder.Lead"/>: due rows (active, not ended yet) are claimed
/// with SKIP LOCKED and marked done with their audit entry in one transaction, so each end is reminded once across
/// instances and restarts; the message follows through a chat job. Run on time by <see cref="PendingTimeoutScheduler"/>.
/// </summary>
public sealed class EndReminders(RequestStore store, AuditLog audit, ChatNotifications notifications, TimeProvider time)
{
    private const int BatchSize = 200;

    /// <summary>Reminds every requester whose reminder is due; returns how many.</summary>
    public Task<int> RemindDueAsync(CancellationToken cancellationToken) => ClaimedBatches.RunAsync(
        store.DataSource,
        audit,
        time,
        BatchSize,
        (connection, transaction, now) => store.ClaimEndRemindersDueAsync(connection, transaction, now, BatchSize),
        async (connection, transaction, due, now) =>
        {
            await store.MarkEndRemindedAsync(connection, transaction, due.Select(r => r.Id).ToArray());
            return due.Select(r => new AuditEntry(AuditEvents.AccessEndingReminded, r.Id, "policy", ChatPlatform.System, now,
                new Dictionary<string, string> { ["ends_at"] = r.EndsAt!.Value.ToString("O") })).ToList();
        },
        due =>
        {
            foreach (var request in due)
            {
                notifications.EndingSoon(request.Id, request.EndsAt!.Value);
            }
        },
        cancellationToken);

    public Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken) => store.NextEndReminderAsync(time.GetUtcNow(), cancellationToken);
}
