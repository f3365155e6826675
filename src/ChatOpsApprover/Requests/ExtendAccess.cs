using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Grants;
using ChatOpsApprover.Jobs;
using ChatOpsApprover.StepUp;
using Hangfire;

namespace ChatOpsApprover.Requests;

/// <summary>
/// "extend &lt;id&gt; &lt;duration&gt;", and the Extend control of the reminder before the end: the requester asks to keep
/// their active access longer. Checked by <see cref="ExtensionRules"/> under the request's row lock; a role that needs
/// no approval extends at once, otherwise the extension waits (one at a time per request) and a card asks the role's
/// approvers (<see cref="DecideOnExtension"/>). When the requester had to confirm the request with their second factor
/// (StepUp Requester or Both, break-glass), the extension also waits for them to confirm it
/// (<see cref="StepUpRules.ExtensionRequesterMustConfirm"/>). Everything is audited in the same transaction.
/// </summary>
public sealed class ExtendAccess(
    RequestStore requests,
    ExtensionStore extensions,
    AccessExtender extender,
    AuditLog audit,
    AccessDirectory directory,
    ChatNotifications notifications,
    RevocationSignal revocations,
    IBackgroundJobClient jobs,
    TimeProvider time)
{
    public async Task<ExtendResult> AskAsync(ChatUser user, long requestId, TimeSpan by, CancellationToken cancellationToken)
    {
        if (directory.FindByChatUser(user) is not { } person)
        {
            return new ExtendResult(ExtendOutcome.UnknownPerson, requestId, by);
        }

        var now = time.GetUtcNow();
        await using var connection = await requests.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var request = await requests.FindAsync(connection, transaction, requestId, forUpdate: true);
        var role = request is null ? null : directory.FindRole(request.RoleName);
        var check = ExtensionRules.Check(request, role, person.Id, by, now);
        if (check != ExtensionCheck.Allowed)
        {
            return new ExtendResult(Refusal(check), requestId, by, check == ExtensionCheck.NotYours ? null : request, role);
        }

        if (await extensions.PendingOfAsync(connection, transaction, requestId) is { } waiting)
        {
            return new ExtendResult(ExtendOutcome.AlreadyWaiting, requestId, waiting.Duration, request, role, waiting.Id, waiting);
        }

        var requesterConfirms = StepUpRules.ExtensionRequesterMustConfirm(role!, request!);
        if (!role!.Extend!.RequiresApproval && !requesterConfirms)
        {
            var id = await extensions.InsertAsync(connection, transaction, requestId, by, ExtensionStatus.Approved, user.Platform, now, decidedBy: "policy");
            await extender.ExtendAsync(connection, transaction, request!, id, by, "policy", user.Platform, now);
            await transaction.CommitAsync(cancellationToken);
            revocations.Wake();
            notifications.CardsChanged(requestId);
            return new ExtendResult(ExtendOutcome.Extended, requestId, by, await requests.FindAsync(requestId), role, id);
        }

        var extensionId = await extensions.InsertAsync(connection, transaction, requestId, by, ExtensionStatus.Pending, user.Platform, now, decidedBy: null, awaitingStepUp: requesterConfirms ? person.Id : null);
        var details = new Dictionary<string, string>
        {
            ["extension"] = extensionId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["by"] = DurationText.Format(by),
        };
        await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.ExtensionRequested, requestId, person.Id, user.Platform, now, details));
        if (requesterConfirms)
        {
            await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.StepUpStarted, requestId, person.Id, user.Platform, now,
                new Dictionary<string, string>(details) { ["purpose"] = PurposeNames.Of(StepUpPurpose.Requester) }));
        }

        await transaction.CommitAsync(cancellationToken);
        if (role.Extend.RequiresApproval)
        {
            notifications.ExtensionAsked(extensionId);
        }

        if (requesterConfirms)
        {
            var personId = person.Id;
            var platform = user.Platform;
            jobs.Enqueue<ExtensionStepUpJobs>(j => j.SendLinkAsync(extensionId, personId, platform, CancellationToken.None));
            return new ExtendResult(ExtendOutcome.WaitingForYourStepUp, requestId, by, request, role, extensionId);
        }

        return new ExtendResult(ExtendOutcome.WaitingForApproval, requestId, by, request, role, extensionId);
    }

    private static ExtendOutcome Refusal(ExtensionCheck check) => check switch
    {
        ExtensionCheck.NotYours => ExtendOutcome.NotYours,
        ExtensionCheck.NotExtendable => ExtendOutcome.NotExtendable,
        ExtensionCheck.NotActive => ExtendOutcome.NotActive,
        ExtensionCheck.Ended => ExtendOutcome.Ended,
        ExtensionCheck.OverLimit => ExtendOutcome.OverLimit,
        ExtensionCheck.Allowed => throw new ArgumentException("An allowed extension is not a refusal.", nameof(check)),
    };
}
