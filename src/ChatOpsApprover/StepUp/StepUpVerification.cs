using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Observability;
using ChatOpsApprover.Requests;
using Npgsql;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// The part of completing a step-up that is the same whatever it confirms (a request, or an extension of one): the link
/// is used up, the code's device and network are weighed against the role's risk rules, and the outcome is audited
/// (<c>stepup.refused</c>, or <c>stepup.verified</c> and, on a Review rule, <c>stepup.review_needed</c>). What the
/// confirmation then does is the caller's, in the same transaction.
/// </summary>
public sealed class StepUpVerification(LinkStore links, KnownClients knownClients, RequestStore requests, AuditLog audit, JitMetrics metrics)
{
    /// <param name="factor">What confirmed it, as the audit trail and the card name it: "totp" or "passkey: &lt;name&gt;".</param>
    /// <param name="details">Audit details naming what is confirmed beyond the purpose (e.g. the extension), or null.</param>
    public async Task<StepUpVerdict> VerifyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredLink link, long requestId, RoleDefinition role, string factor, ClientInfo client, DateTimeOffset now, IReadOnlyDictionary<string, string>? details = null)
    {
        var purpose = link.StepUp.Purpose;
        var risk = await knownClients.RiskAsync(connection, transaction, link.PersonId, client);
        await links.MarkUsedAsync(connection, transaction, link.TokenHash, now);
        var entry = new Dictionary<string, string>
        {
            ["purpose"] = PurposeNames.Of(purpose),
            ["factor"] = factor,
            ["new_device"] = risk.NewDevice ? "true" : "false",
            ["new_network"] = risk.NewNetwork ? "true" : "false",
            ["address"] = client.Address,
        };
        foreach (var (key, value) in details ?? new Dictionary<string, string>())
        {
            entry[key] = value;
        }

        var (riskAction, riskRule) = PolicyEvaluation.OnStepUp(role, risk);
        if (riskRule is not null)
        {
            entry["rule"] = riskRule.ToString();
        }

        if (riskAction == StepUpRiskAction.Block)
        {
            await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.StepUpRefused, requestId, link.PersonId, ChatPlatform.Web, now, entry));
            metrics.StepUpFinished(StepUpState.Refused);
            return new StepUpVerdict(Refused: true, risk, NewDevice: null);
        }

        var newDevice = await knownClients.RememberAsync(connection, transaction, link.PersonId, client, now);
        await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.StepUpVerified, requestId, link.PersonId, ChatPlatform.Web, now, entry));
        if (riskAction == StepUpRiskAction.Review)
        {
            // Access goes ahead; the audit channel shows the entry so someone looks at it.
            var review = new Dictionary<string, string>
            {
                ["person"] = link.PersonId,
                ["purpose"] = PurposeNames.Of(purpose),
                ["rule"] = riskRule!.Rule,
                ["why"] = riskRule.Why,
            };
            foreach (var (key, value) in details ?? new Dictionary<string, string>())
            {
                review[key] = value;
            }

            await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.StepUpReviewNeeded, requestId, "policy", ChatPlatform.System, now, review));

            // Open until an approver closes it with "jit review" (listed for them by "jit list").
            await requests.MarkForReviewAsync(connection, transaction, requestId, link.PersonId);
        }

        metrics.StepUpFinished(StepUpState.Verified);
        return new StepUpVerdict(Refused: false, risk, newDevice);
    }
}
