using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Jobs;
using ChatOpsApprover.Observability;
using ChatOpsApprover.Requests;
using Npgsql;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// Completes a step-up once its code was accepted. From a new device or network on a role that refuses that, the
/// step-up is refused (a requester's request fails; an approver's vote is not counted). Otherwise it is verified: a
/// requester's request is granted, an approver's vote is counted through <see cref="Approvals"/>.
/// </summary>
public sealed class StepUpCompletion(
    LinkStore links,
    StepUpConfirmationStore confirmations,
    KnownClients knownClients,
    RequestStore requests,
    Approvals approvals,
    AuditLog audit,
    ChatNotifications notifications,
    JitMetrics metrics,
    AccessDirectory directory)
{
    /// <summary>Commits the caller's transaction, which holds the link's, the request's and the factor's locks.</summary>
    /// <param name="factor">What confirmed it, as the audit trail and the card name it: "totp" or "passkey: &lt;name&gt;".</param>
    public async Task<LinkPageView> CompleteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredLink link, AccessRequest request, RoleDefinition role, string factor, ClientInfo client, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var purpose = link.StepUp.Purpose;
        var risk = await knownClients.RiskAsync(connection, transaction, link.PersonId, client);
        await links.MarkUsedAsync(connection, transaction, link.TokenHash, now);
        var details = new Dictionary<string, string>
        {
            ["purpose"] = PurposeNames.Of(purpose),
            ["factor"] = factor,
            ["new_device"] = risk.NewDevice ? "true" : "false",
            ["new_network"] = risk.NewNetwork ? "true" : "false",
            ["address"] = client.Address,
        };

        var (riskAction, riskRule) = PolicyEvaluation.OnStepUp(role, risk);
        if (riskRule is not null)
        {
            details["rule"] = riskRule.ToString();
        }

        if (riskAction == StepUpRiskAction.Block)
        {
            await confirmations.FinishAsync(connection, transaction, request.Id, link.PersonId, purpose, StepUpState.Refused, risk, now, factor);
            await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.StepUpRefused, request.Id, link.PersonId, ChatPlatform.Web, now, details));
            metrics.StepUpFinished(StepUpState.Refused);
            await (purpose switch
            {
                StepUpPurpose.Requester => FailRequestAsync(connection, transaction, request, role, risk, now, cancellationToken),
                StepUpPurpose.Approver => DropApprovalAsync(transaction, request, cancellationToken),
            });
            return LinkPageViews.StepUpRefused(link, request, directory.ApproversOf(role), risk);
        }

        await confirmations.FinishAsync(connection, transaction, request.Id, link.PersonId, purpose, StepUpState.Verified, risk, now, factor);
        var newDevice = await knownClients.RememberAsync(connection, transaction, link.PersonId, client, now);
        await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.StepUpVerified, request.Id, link.PersonId, ChatPlatform.Web, now, details));
        if (riskAction == StepUpRiskAction.Review)
        {
            // Access goes ahead; the audit channel shows the entry so someone looks at it.
            await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.StepUpReviewNeeded, request.Id, "policy", ChatPlatform.System, now, new Dictionary<string, string>
            {
                ["person"] = link.PersonId,
                ["purpose"] = PurposeNames.Of(purpose),
                ["rule"] = riskRule!.Rule,
                ["why"] = riskRule.Why,
            }));
        }
        metrics.StepUpFinished(StepUpState.Verified);
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
