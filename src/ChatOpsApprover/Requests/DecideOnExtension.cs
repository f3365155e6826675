using System.Globalization;
using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Grants;
using ChatOpsApprover.Jobs;

namespace ChatOpsApprover.Requests;

/// <summary>
/// An approver's answer to a waiting extension, from its card on any platform. Counts like a request's decision: only
/// the role's approvers (escalated ones included), never the requester, each person once, RequiredApprovals distinct
/// people approve and one denial denies. The extension and its request are locked, and the rules checked again, in
/// the transaction that moves the end: an approval that comes after the end (even one the revocation has not acted
/// on yet) is refused and never resurrects access.
/// </summary>
public sealed class DecideOnExtension(
    RequestStore requests,
    ExtensionStore extensions,
    AccessExtender extender,
    AuditLog audit,
    AccessDirectory directory,
    ChatNotifications notifications,
    RevocationSignal revocations,
    TimeProvider time)
{
    public async Task<(ExtensionDecision Decision, AccessExtension? Extension)> DecideAsync(ChatUser user, long extensionId, bool approve, CancellationToken cancellationToken)
    {
        if (directory.FindByChatUser(user) is not { } person)
        {
            return (ExtensionDecision.UnknownPerson, null);
        }

        var now = time.GetUtcNow();
        await using var connection = await requests.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var unlocked = await extensions.FindAsync(connection, transaction, extensionId, forUpdate: false);
        if (unlocked is null)
        {
            return (ExtensionDecision.NotFound, null);
        }

        // The request first, then the extension: the same order as asking, so the two never deadlock.
        var request = await requests.FindAsync(connection, transaction, unlocked.RequestId, forUpdate: true);
        var extension = await extensions.FindAsync(connection, transaction, extensionId, forUpdate: true);
        var role = request is null ? null : directory.FindRole(request.RoleName);
        if (request is null || role is null || extension is null)
        {
            return (ExtensionDecision.NotFound, null);
        }

        if (request.PersonId == person.Id)
        {
            return (ExtensionDecision.SelfApprovalRefused, extension);
        }

        if (!directory.IsApprover(role, person.Id, request))
        {
            return (ExtensionDecision.NotAnApprover, extension);
        }

        if (extension.Status != ExtensionStatus.Pending)
        {
            return (ExtensionDecision.AlreadyDecided, extension);
        }

        if (extension.ApprovedBy.Contains(person.Id))
        {
            return (ExtensionDecision.AlreadyVotedByYou, extension);
        }

        var details = new Dictionary<string, string>
        {
            ["extension"] = extensionId.ToString(CultureInfo.InvariantCulture),
            ["by"] = DurationText.Format(extension.Duration),
        };
        ExtensionDecision decision;
        if (!approve)
        {
            await extensions.DecideAsync(connection, transaction, extensionId, ExtensionStatus.Denied, person.Id, now, "denied");
            await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.ExtensionDenied, request.Id, person.Id, user.Platform, now, details));
            decision = ExtensionDecision.Denied;
        }
        else if (ExtensionRules.Check(request, role, request.PersonId, extension.Duration, now) is var check and not ExtensionCheck.Allowed)
        {
            decision = check == ExtensionCheck.OverLimit ? ExtensionDecision.OverLimit : ExtensionDecision.TooLate;
            var why = decision == ExtensionDecision.OverLimit ? "no room left under Extend:MaxTotal" : "the access had already ended";
            await extensions.DecideAsync(connection, transaction, extensionId, ExtensionStatus.Refused, person.Id, now, why);
            details["why"] = why;
            await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.ExtensionRefused, request.Id, person.Id, user.Platform, now, details));
        }
        else if (extension.ApprovedBy.Count + 1 < role.RequiredApprovals)
        {
            await extensions.AddApprovalAsync(connection, transaction, extensionId, person.Id);
            details["approvals"] = string.Join(", ", extension.ApprovedBy.Append(person.Id));
            await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.ExtensionApprovalRecorded, request.Id, person.Id, user.Platform, now, details));
            decision = ExtensionDecision.Recorded;
        }
        else
        {
            await extensions.AddApprovalAsync(connection, transaction, extensionId, person.Id);
            await extensions.DecideAsync(connection, transaction, extensionId, ExtensionStatus.Approved, person.Id, now, "extended");
            await extender.ExtendAsync(connection, transaction, request, extensionId, extension.Duration, string.Join(", ", extension.ApprovedBy.Append(person.Id)), user.Platform, now);
            decision = ExtensionDecision.Extended;
        }

        await transaction.CommitAsync(cancellationToken);
        if (decision == ExtensionDecision.Extended)
        {
            revocations.Wake();
            notifications.CardsChanged(request.Id);
        }

        // The requester hears every final answer; the extension's cards show where it stands.
        if (decision is ExtensionDecision.Extended or ExtensionDecision.Denied or ExtensionDecision.TooLate or ExtensionDecision.OverLimit)
        {
            notifications.ExtensionDecided(extensionId);
        }
        else if (decision == ExtensionDecision.Recorded)
        {
            notifications.ExtensionCardsChanged(extensionId);
        }

        return (decision, await extensions.FindAsync(extensionId));
    }
}
