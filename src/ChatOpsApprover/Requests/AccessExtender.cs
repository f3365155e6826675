using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using Npgsql;

namespace ChatOpsApprover.Requests;

/// <summary>
/// Moves the end of locked active access by an approved extension, with its audit entry, in the caller's transaction.
/// The caller checked <see cref="ExtensionRules.Check"/> under the request's row lock in that same transaction, so the
/// revocation (which claims due rows with SKIP LOCKED) either ended the access before (then the check refused) or
/// finds the new end.
/// </summary>
public sealed class AccessExtender(RequestStore store, AuditLog audit)
{
    /// <summary>Returns the new end.</summary>
    public async Task<DateTimeOffset> ExtendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AccessRequest request, long extensionId, TimeSpan by, string approvedBy, ChatPlatform platform, DateTimeOffset now)
    {
        var from = request.EndsAt!.Value;
        var endsAt = from + by;
        await store.MoveEndAsync(connection, transaction, request.Id, endsAt, EndReminder.DueAt(now, endsAt));
        await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.AccessExtended, request.Id, request.PersonId, platform, now, new Dictionary<string, string>
        {
            ["extension"] = extensionId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["by"] = DurationText.Format(by),
            ["from"] = from.ToString("O"),
            ["ends_at"] = endsAt.ToString("O"),
            ["approved_by"] = approvedBy,
        }));
        return endsAt;
    }
}
