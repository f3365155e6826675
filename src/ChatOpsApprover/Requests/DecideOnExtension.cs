using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.StepUp;
using Hangfire;

namespace ChatOpsApprover.Requests;

/// <summary>
/// An approver's answer to a waiting extension, from its card on any platform. Counts like a request's decision: only
/// the role's approvers (escalated ones included), never the requester, each person once, RequiredApprovals distinct
/// people approve and one denial denies. When the role asks approvers to confirm (StepUp Approver or Both, or a policy
/// rule on the request), an approval counts only once its approver confirms it with their second factor
/// (<see cref="ExtensionStepUpPage"/>); a denial counts at once. The extension and its request are locked, and the
/// rules checked again, in the transaction that moves the end (<see cref="ExtensionApprovals"/>): an approval that
/// comes after the end (even one the revocation has not acted on yet) is refused and never resurrects access.
/// </summary>
public sealed class DecideOnExtension(
    RequestStore requests,
    ExtensionStore extensions,
    ExtensionApprovals approvals,
    AuditLog audit,
    AccessDirectory directory,
    IBackgroundJobClient jobs,
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

        if (extension.Status == ExtensionStatus.Lapsed)
        {
            return (ExtensionDecision.Lapsed, extension);
        }

        if (extension.Status != ExtensionStatus.Pending)
        {
            return (ExtensionDecision.AlreadyDecided, extension);
        }

        if (extension.ApprovedBy.Contains(person.Id))
        {
            return (ExtensionDecision.AlreadyVotedByYou, extension);
        }

        ExtensionDecision decision;
        if (!approve)
        {
            await extensions.DecideAsync(connection, transaction, extensionId, ExtensionStatus.Denied, person.Id, now, "denied");
            await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.ExtensionDenied, request.Id, person.Id, user.Platform, now, ExtensionApprovals.Details(extension)));
            decision = ExtensionDecision.Denied;
        }
        else if (await approvals.RefuseWhenNotAllowedAsync(connection, transaction, request, role, extension, person.Id, user.Platform, now) is { } refused)
        {
            decision = refused;
        }
        else if (StepUpRules.ExtensionApproverMustConfirm(role, request))
        {
            // Only the intent is recorded; the approval is counted when this approver's code is verified.
            if (!extension.AwaitsStepUpOf(person.Id))
            {
                await extensions.AwaitStepUpAsync(connection, transaction, extensionId, person.Id);
                var details = ExtensionApprovals.Details(extension);
                details["purpose"] = PurposeNames.Of(StepUpPurpose.Approver);
                await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.StepUpStarted, request.Id, person.Id, user.Platform, now, details));
            }

            decision = ExtensionDecision.StepUpRequired;
        }
        else
        {
            decision = await approvals.CountApprovalAsync(connection, transaction, request, role, extension, person.Id, user.Platform, now);
        }

        await transaction.CommitAsync(cancellationToken);
        if (decision == ExtensionDecision.StepUpRequired)
        {
            // Clicking Approve again sends a fresh link, as on a request's card.
            var approverId = person.Id;
            var platform = user.Platform;
            jobs.Enqueue<ExtensionStepUpJobs>(j => j.SendLinkAsync(extensionId, approverId, platform, CancellationToken.None));
        }

        approvals.AfterCommit(request.Id, extensionId, decision);
        return (decision, await extensions.FindAsync(extensionId));
    }
}
