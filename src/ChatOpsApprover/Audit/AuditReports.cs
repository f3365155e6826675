using System.Globalization;
using System.Text;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;

namespace ChatOpsApprover.Audit;

/// <summary>"jit audit [person|role] [since]": a readable summary of the audit log for approvers and admins.</summary>
public sealed class AuditReports(AuditLog audit, AuditReadLog reads, RequestStore requests, AccessDirectory directory, TimeProvider time)
{
    public const int LatestCount = 15;
    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromDays(7);

    public const string Usage = "Write it as: jit audit [person|role] [since as yyyy-mm-dd], e.g. jit audit prod-db-read 2026-11-01 (the default is the last 7 days).";

    /// <summary>The summary <paramref name="person"/> asked for, or the reason they cannot have it.</summary>
    public async Task<string> SummarizeAsync(Person person, ChatPlatform platform, JitCommand.Audit command, CancellationToken cancellationToken)
    {
        if (!person.IsAdmin && !directory.ApprovesAnyRole(person.Id))
        {
            return "Only approvers and admins may read the audit log.";
        }

        var now = time.GetUtcNow();
        var since = command.Since ?? now - DefaultPeriod;
        if (since > now)
        {
            return $"{since:yyyy-MM-dd} is in the future; give a day in the past. {Usage}";
        }

        string? personId = null;
        string? roleName = null;
        string scope;
        if (command.Subject is { } subject)
        {
            if (directory.FindPerson(subject) is { } subjectPerson)
            {
                personId = subjectPerson.Id;
                scope = $"person {subjectPerson.Id} (their requests and what they did)";
            }
            else if (directory.FindRole(subject) is { } role)
            {
                roleName = role.Name;
                scope = $"role {role.Name}";
            }
            else
            {
                return $"\"{(subject.Length > 40 ? subject[..40] + "…" : subject)}\" is neither a person nor a role. {Usage}";
            }
        }
        else
        {
            scope = "everything";
        }

        // The scope is composed from the request store: entries about this person's or role's requests (and, for a
        // person, what they did), so the audit log's queries never read the requests table.
        var entries = personId is null && roleName is null
            ? AuditScope.Everything
            : new AuditScope(personId, await requests.IdsOfAsync(personId, roleName, cancellationToken));
        await audit.SealBeforeReadAsync(cancellationToken);
        var counts = await audit.CountByEventAsync(since, entries, cancellationToken);
        var latest = counts.Count == 0 ? [] : await audit.LatestAsync(since, entries, LatestCount, cancellationToken);
        await reads.RecordAsync(person.Id, platform, new Dictionary<string, string>
        {
            ["via"] = "command",
            ["scope"] = personId is not null ? $"person {personId}" : roleName is not null ? $"role {roleName}" : "everything",
            ["from"] = AuditChain.FormatTime(since),
            ["to"] = AuditChain.FormatTime(now),
        });

        var period = $"since {since.UtcDateTime:yyyy-MM-dd HH:mm} UTC";
        if (counts.Count == 0)
        {
            return $"Audit log for {scope} {period}: no events.";
        }

        var total = counts.Sum(c => c.Count);
        var text = new StringBuilder();
        text.Append($"Audit log for {scope} {period}: {total.ToString(CultureInfo.InvariantCulture)} event(s).\n");
        text.Append("By type: ").Append(string.Join(" · ", counts.Select(c => $"{c.Event} {c.Count.ToString(CultureInfo.InvariantCulture)}"))).Append('\n');
        text.Append(latest.Count < total ? $"Latest {latest.Count.ToString(CultureInfo.InvariantCulture)}, newest first:" : "Newest first:");
        foreach (var record in latest)
        {
            text.Append("\n• #").Append(record.Id.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(AuditText.Line(record));
            if (record.RequestId is { } requestId)
            {
                text.Append(" — request #").Append(requestId.ToString(CultureInfo.InvariantCulture));
            }
        }

        if (latest.Count < total)
        {
            text.Append("\nThe full history is in the audit channel and the export (GET /audit/export).");
        }

        return text.ToString();
    }
}
