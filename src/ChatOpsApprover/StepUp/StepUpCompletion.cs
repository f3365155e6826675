using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Jobs;
using ChatOpsApprover.Requests;
using Npgsql;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// Completes a step-up once its code was accepted. From a new device or network on a role that refuses that, the
/// step-up is refused (a requester's request fails; an approver's vote is not counted). Otherwise it is verified: a
/// requester's request is granted, an approver's vote is counted through <see cref="Approvals"/>.
/// </summary>
public sealed class StepUpCompletion(
    StepUpVerification verification,
    StepUpConfirmationStore confirmations,
    RequestStore requests,
    Approvals approvals,
    AuditLog audit,
    ChatNotifications notifications,
    AccessDirectory directory)
{
    /// <summary>Commits the caller's transaction, which holds the link's, the request's and the factor's locks.</summary>
    /// <param name="factor">What confirmed it, as the audit trail and the card name it: "totp" or "passkey: &lt;name&gt;".</param>
    public async Task<LinkPageView> CompleteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredLink link, AccessRequest request, RoleDefinition role, string factor, ClientInfo client, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var purpose = link.StepUp.Purpose;
        var verdict = await verification.VerifyAsync(connection, transaction, link, request.Id, role, factor, client, now);
        var risk = verdict.Risk;
        await confirmations.FinishAsync(connection, transaction, request.Id, link.PersonId, purpose, verdict.Refused ? StepUpState.Refused : StepUpState.Verified, risk, now, factor);
        if (verdict.Refused)
        {
            await (purpose switch
            {
                StepUpPurpose.Requester => FailRequestAsync(connection, transaction, request, role, risk, now, cancellationToken),
                StepUpPurpose.Approver => DropApprovalAsync(transaction, request, cancellationToken),
            });
            return LinkPageViews.StepUpRefused(link, request, directory.ApproversOf(role), risk);
        }

        var newDevice = verdict.NewDevice;
        return purpose switch
        {
            StepUpPurpose.Requester => await StartGrantAsync(transaction, link, request, role, risk, newDevice, cancellationToken),
            StepUpPurpose.Approver => await CountApprovalAsync(connection, transaction, link, request, role, risk, newDevice, now, cancellationToken),
        };
    }

    /// <summary>A refused requester: the request fails, which is news for them.</summary>
    private async Task FailRequestAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AccessRequest request, RoleDefinition role, StepUpRisk risk, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var reason = $"the second-factor confirmation came from a {risk.Describe()} and {role.Name} refuses that";
        await requests.MoveAsync(connection, transaction, request, RequestStatus.Failed, new StatusChange(EndedAt: now, FailureReason: reason));
        await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.GrantFailed, request.Id, "policy", ChatPlatform.System, now,
            new Dictionary<string, string> { ["reason"] = reason }));
        await transaction.CommitAsync(cancellationToken);
        notifications.RequestsChanged([request.Id]);
    }

    /// <summary>A refused approver: their vote is not counted, which changes only the card; they may try again.</summary>
    private async Task DropApprovalAsync(NpgsqlTransaction transaction, AccessRequest request, CancellationToken cancellationToken)
    {
        await transaction.CommitAsync(cancellationToken);
        notifications.CardsChanged(request.Id);
    }

    private async Task<LinkPageView> StartGrantAsync(NpgsqlTransaction transaction, StoredLink link, AccessRequest request, RoleDefinition role, StepUpRisk risk, string? newDevice, CancellationToken cancellationToken)
    {
        await transaction.CommitAsync(cancellationToken);
        approvals.StartGrant(request.Id);
        notifications.CardsChanged(request.Id);
        return LinkPageViews.RequesterConfirmed(link, request, role, risk, newDevice);
    }

    private async Task<LinkPageView> CountApprovalAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredLink link, AccessRequest request, RoleDefinition role, StepUpRisk risk, string? newDevice, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The vote counts on the platform the approver clicked on, as an unconfirmed click would have.
        // …and for the shorter duration chosen with the click, if one was.
        var asked = await confirmations.AskedOnAsync(connection, transaction, request.Id, link.PersonId, StepUpPurpose.Approver);
        var decision = new Decision(link.PersonId, true, now, asked?.Platform ?? ChatPlatform.Web, Duration: asked?.ApprovedDuration);
        var vote = await approvals.CountVoteAsync(connection, transaction, request, role, decision, risk);
        await transaction.CommitAsync(cancellationToken);
        approvals.AfterCommit(request, role, vote);
        return LinkPageViews.ApprovalConfirmed(link, request, role, vote, risk, newDevice);
    }
}
