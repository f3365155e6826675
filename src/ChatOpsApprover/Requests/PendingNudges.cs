using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Jobs;

namespace ChatOpsApprover.Requests;

/// <summary>
/// Reminds the approvers of a request still waiting after its role's ReminderAfter, and escalates one still waiting
/// after EscalateAfter (the EscalateTo people become its approvers). Each is done once: the due rows are claimed with
/// SKIP LOCKED and marked done with their audit entry in one transaction; the chat messages follow through a job.
/// Run on time by <see cref="PendingTimeoutScheduler"/>.
/// </summary>
public sealed class PendingNudges(RequestStore store, AuditLog audit, AccessDirectory directory, ChatNotifications notifications, TimeProvider time)
{
    private const int BatchSize = 200;

    public async Task<int> RunDueAsync(CancellationToken cancellationToken) =>
        await RemindAsync(cancellationToken) + await EscalateAsync(cancellationToken);

    private async Task<int> RemindAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var reminders = new List<(long Id, string[] People)>();
        await using (var connection = await store.DataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            var due = await store.ClaimRemindersDueAsync(connection, transaction, now, BatchSize);
            var entries = new List<AuditEntry>();
            foreach (var request in due)
            {
                var full = await store.FindAsync(connection, transaction, request.Id, forUpdate: false);
                var people = StillToAnswer(full!);
                reminders.Add((request.Id, people));
                entries.Add(new AuditEntry(AuditEvents.RequestReminded, request.Id, "policy", ChatPlatform.System, now, new Dictionary<string, string> { ["approvers"] = string.Join(", ", people) }));
            }

            await store.MarkRemindedAsync(connection, transaction, due.Select(r => r.Id).ToArray());
            await audit.AppendManyAsync(connection, transaction, entries);
            await transaction.CommitAsync(cancellationToken);
        }

        foreach (var (id, people) in reminders)
        {
            notifications.Nudge(id, people, escalation: false);
        }

        return reminders.Count;
    }

    private async Task<int> EscalateAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var escalations = new List<(long Id, string[] People)>();
        await using (var connection = await store.DataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            var due = await store.ClaimEscalationsDueAsync(connection, transaction, now, BatchSize);
            var entries = new List<AuditEntry>();
            foreach (var request in due)
            {
                var role = directory.FindRole(request.RoleName);
                var people = role is null ? [] : directory.PeopleIn(role.EscalateTo).Where(p => p != request.PersonId).Order(StringComparer.Ordinal).ToArray();
                await store.EscalateAsync(connection, transaction, request.Id, people);
                escalations.Add((request.Id, people));
                entries.Add(new AuditEntry(AuditEvents.RequestEscalated, request.Id, "policy", ChatPlatform.System, now, new Dictionary<string, string> { ["to"] = string.Join(", ", people) }));
            }

            await audit.AppendManyAsync(connection, transaction, entries);
            await transaction.CommitAsync(cancellationToken);
        }

        foreach (var (id, people) in escalations)
        {
            notifications.CardsChanged(id);
            notifications.Nudge(id, people, escalation: true);
        }

        return escalations.Count;
    }

    /// <summary>The approvers whose answer would still count: not the requester, not those who answered.</summary>
    private string[] StillToAnswer(AccessRequest request) =>
        directory.FindRole(request.RoleName) is { } role
            ? directory.ApproversOf(role, request).Where(p => p != request.PersonId && request.Decisions.All(d => d.ApproverId != p)).Order(StringComparer.Ordinal).ToArray()
            : [];
}
