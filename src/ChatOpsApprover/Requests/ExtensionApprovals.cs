using System.Globalization;
using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Grants;
using ChatOpsApprover.Jobs;
using Npgsql;

namespace ChatOpsApprover.Requests;

/// <summary>
/// The one place where an extension's approvals and second-factor confirmations are counted and where the end moves,
/// whether the last step came from a click, from an approver's confirmed click, or from the requester's confirmation.
/// An extension moves the end once it has its approvals (none when Extend:RequiresApproval is false, else the role's
/// RequiredApprovals, each confirmed when the role asks approvers to confirm) and nobody's confirmation is awaited any
/// more. Callers hold the request's and then the extension's row lock in the transaction they pass, so the rules
/// (<see cref="ExtensionRules.Check"/>) are checked again where the end moves: a step that comes after the end is
/// refused and never resurrects access.
/// </summary>
public sealed class ExtensionApprovals(ExtensionStore extensions, AccessExtender extender, AuditLog audit, ChatNotifications notifications, RevocationSignal revocations)
{
    /// <summary>Counts an approval the caller accepted (and, when the role asks it, its approver confirmed). Returns Recorded, AwaitingRequester, Extended, TooLate or OverLimit.</summary>
    public async Task<ExtensionDecision> CountApprovalAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AccessRequest request, RoleDefinition role, AccessExtension extension, string approverId, ChatPlatform platform, DateTimeOffset now)
    {
        if (await RefuseWhenNotAllowedAsync(connection, transaction, request, role, extension, approverId, platform, now) is { } refused)
        {
            return refused;
        }

        await extensions.EndStepUpAsync(connection, transaction, extension.Id, approverId);
        await extensions.AddApprovalAsync(connection, transaction, extension.Id, approverId);
        var counted = extension with
        {
            ApprovedBy = [.. extension.ApprovedBy, approverId],
            AwaitingStepUp = [.. extension.AwaitingStepUp.Where(p => p != approverId)],
        };
        return await MoveOnAsync(connection, transaction, request, role, counted, approverId, platform, now);
    }

    /// <summary>Counts the requester's confirmation of their own extension. Returns Recorded (approvals missing), Extended, TooLate or OverLimit.</summary>
    public async Task<ExtensionDecision> CountRequesterConfirmationAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AccessRequest request, RoleDefinition role, AccessExtension extension, ChatPlatform platform, DateTimeOffset now)
    {
        if (await RefuseWhenNotAllowedAsync(connection, transaction, request, role, extension, request.PersonId, platform, now) is { } refused)
        {
            return refused;
        }

        await extensions.EndStepUpAsync(connection, transaction, extension.Id, request.PersonId);
        var confirmed = extension with { AwaitingStepUp = [.. extension.AwaitingStepUp.Where(p => p != request.PersonId)] };
        return await MoveOnAsync(connection, transaction, request, role, confirmed, request.PersonId, platform, now);
    }

    /// <summary>Refuses the extension (with its audit entry) when the rules no longer allow it: the access ended, or there is no room left.</summary>
    public async Task<ExtensionDecision?> RefuseWhenNotAllowedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AccessRequest request, RoleDefinition role, AccessExtension extension, string actor, ChatPlatform platform, DateTimeOffset now)
    {
        var check = ExtensionRules.Check(request, role, request.PersonId, extension.Duration, now);
        if (check == ExtensionCheck.Allowed)
        {
            return null;
        }

        var decision = check == ExtensionCheck.OverLimit ? ExtensionDecision.OverLimit : ExtensionDecision.TooLate;
        var why = decision == ExtensionDecision.OverLimit ? "no room left under Extend:MaxTotal" : "the access had already ended";
        await extensions.DecideAsync(connection, transaction, extension.Id, ExtensionStatus.Refused, actor, now, why);
        var details = Details(extension);
        details["why"] = why;
        await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.ExtensionRefused, request.Id, actor, platform, now, details));
        return decision;
    }

    /// <summary>After the commit: the revocation re-reads a moved end, the cards show where the extension stands, and the requester hears every final answer.</summary>
    public void AfterCommit(long requestId, long extensionId, ExtensionDecision decision)
    {
        if (decision == ExtensionDecision.Extended)
        {
            revocations.Wake();
            notifications.CardsChanged(requestId);
        }

        if (decision is ExtensionDecision.Extended or ExtensionDecision.Denied or ExtensionDecision.TooLate or ExtensionDecision.OverLimit)
        {
            notifications.ExtensionDecided(extensionId);
        }
        else if (decision is ExtensionDecision.Recorded or ExtensionDecision.AwaitingRequester or ExtensionDecision.StepUpRequired)
        {
            notifications.ExtensionCardsChanged(extensionId);
        }
    }

    public static Dictionary<string, string> Details(AccessExtension extension) => new()
    {
        ["extension"] = extension.Id.ToString(CultureInfo.InvariantCulture),
        ["by"] = DurationText.Format(extension.Duration),
    };

    private async Task<ExtensionDecision> MoveOnAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AccessRequest request, RoleDefinition role, AccessExtension extension, string actor, ChatPlatform platform, DateTimeOffset now)
    {
        var needsApprovals = role.Extend?.RequiresApproval ?? true;
        var approved = !needsApprovals || extension.ApprovedBy.Count >= role.RequiredApprovals;
        var requesterWaits = extension.AwaitingStepUp.Contains(request.PersonId);
        var byApprover = actor != request.PersonId;
        if (!approved || requesterWaits)
        {
            if (byApprover)
            {
                var details = Details(extension);
                details["approvals"] = string.Join(", ", extension.ApprovedBy);
                await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.ExtensionApprovalRecorded, request.Id, actor, platform, now, details));
            }

            return approved ? ExtensionDecision.AwaitingRequester : ExtensionDecision.Recorded;
        }

        var approvedBy = needsApprovals ? string.Join(", ", extension.ApprovedBy) : "policy";
        await extensions.DecideAsync(connection, transaction, extension.Id, ExtensionStatus.Approved, byApprover ? actor : approvedBy, now, "extended");
        await extender.ExtendAsync(connection, transaction, request, extension.Id, extension.Duration, approvedBy, platform, now);
        return ExtensionDecision.Extended;
    }
}
