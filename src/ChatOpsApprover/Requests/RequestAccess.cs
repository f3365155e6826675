using System.Globalization;
using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Jobs;
using ChatOpsApprover.Observability;
using Npgsql;

namespace ChatOpsApprover.Requests;

/// <summary>
/// A person asks for a role for a while: checked against policy, stored with its audit entry in one transaction,
/// then sent to its approvers (or approved at once when the role needs no approval). The one place a request is
/// made, whichever way it was asked for.
/// </summary>
public sealed class RequestAccess(
    AccessDirectory directory,
    RequestStore store,
    AuditLog audit,
    Approvals approvals,
    JobOutbox outbox,
    JitMetrics metrics,
    PendingTimeoutScheduler timeouts,
    TimeProvider time,
    ILogger<RequestAccess> logger)
{
    public async Task<RequestAccessResult> RequestAsync(ChatUser user, RequestAccessInput input, CancellationToken cancellationToken)
    {
        var result = await MakeAsync(user, input, cancellationToken);
        metrics.RequestMade(user.Platform, result.Outcome);
        logger.LogInformation("Access request {AccessRequestId} for {Role} ({Duration}): {Outcome}", result.RequestId, input.Role, DurationText.Format(input.Duration), result.Outcome);
        return result;
    }

    private async Task<RequestAccessResult> MakeAsync(ChatUser user, RequestAccessInput input, CancellationToken cancellationToken)
    {
        var person = directory.FindByChatUser(user);
        var check = AccessPolicy.CheckRequest(directory, person, user, input.Role, input.Duration);
        if (check is not RequestCheck.Allowed(var role, var login))
        {
            return RequestAccessResult.Refused(((RequestCheck.Refused)check).Message);
        }

        // Policy allows only a registered person, so from here on there is one.
        var now = time.GetUtcNow();
        if (!role.Risk.FirstRequest)
        {
            // Nothing to read first: the verdict is known before the transaction.
            var early = PolicyEvaluation.Evaluate(directory, role, new PolicyQuestion(person!.Id, input.Duration, now, FirstRequest: false));
            if (early is PolicyVerdict.Allowed { AutoApproved: false } waiting)
            {
                return await SendToApproversAsync(person, role, login, input, user, now, waiting, cancellationToken);
            }
        }

        long id;
        AccessRequest? created = null;
        PolicyVerdict.Allowed allowed;

        // The card, and for an auto-approval the grant or the step-up link, commit with the request (one durable commit).
        var followUps = JobOutbox.Begin();
        await using (var connection = await store.DataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            var firstRequest = role.Risk.FirstRequest && !await store.HasRequestedBeforeAsync(connection, transaction, person!.Id, role.Name);
            var verdict = PolicyEvaluation.Evaluate(directory, role, new PolicyQuestion(person!.Id, input.Duration, now, firstRequest));
            if (verdict is PolicyVerdict.Refused refused)
            {
                logger.LogInformation("Access request for {Role} refused by policy rule {Rule}", role.Name, refused.Rule.Rule);
                return RequestAccessResult.Refused(refused.Message);
            }

            allowed = (PolicyVerdict.Allowed)verdict;
            id = await store.InsertAsync(connection, transaction, person.Id, role, login, input.Duration, input.Reason, user.Platform, now, allowed);
            await audit.AppendAsync(connection, transaction, Created(id, person, role, input, user, now, allowed));
            if (allowed.AutoApproved)
            {
                created = await store.FindAsync(connection, transaction, id, forUpdate: true);
                await store.MoveAsync(connection, transaction, created!, RequestStatus.Approved, new StatusChange());
                var rule = allowed.Rules.FirstOrDefault(r => r.Rule == "AutoApprove");
                await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.RequestApproved, id, "policy", ChatPlatform.System, now, new Dictionary<string, string>
                {
                    ["rule"] = "AutoApprove",
                    ["why"] = rule?.Why ?? "AutoApprove is true",
                }));
                await approvals.OnApprovedAsync(connection, transaction, created!, role, now);
            }

            // Where the role has an approval channel, its card says the request waits, or that it was auto-approved and by which rule.
            ChatNotifications.Via(followUps).RequestCreated(id);
            if (allowed.AutoApproved && StepUpRules.RequesterMustConfirm(role))
            {
                approvals.FollowUps(created!, role, DecisionOutcome.Approved, followUps);
            }
            else if (allowed.AutoApproved)
            {
                Approvals.StartGrant(id, followUps);
            }

            await outbox.SaveAsync(connection, transaction, followUps, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        outbox.Wake();
        if (!allowed.AutoApproved)
        {
            // Its timeout may be earlier than anything the scheduler waits for.
            timeouts.Wake();
            return new RequestAccessResult(RequestAccessOutcome.SentToApprovers, id, role.Name, input.Duration);
        }

        if (StepUpRules.RequesterMustConfirm(role))
        {
            return new RequestAccessResult(RequestAccessOutcome.AutoApprovedAwaitingSecondFactor, id, role.Name, input.Duration);
        }

        return new RequestAccessResult(RequestAccessOutcome.AutoApproved, id, role.Name, input.Duration);
    }

    /// <summary>
    /// A request that waits for approvers, the common case: its id is drawn first, then the request, its audit entry and
    /// its card job go in one batch, one implicit transaction (all or nothing) and one durable commit: two round trips,
    /// where a transaction took four (the request, the audit entry, the jobs, the commit).
    /// </summary>
    private async Task<RequestAccessResult> SendToApproversAsync(Person person, RoleDefinition role, string login, RequestAccessInput input, ChatUser user, DateTimeOffset now, PolicyVerdict.Allowed allowed, CancellationToken cancellationToken)
    {
        await using (var connection = await store.DataSource.OpenConnectionAsync(cancellationToken))
        {
            var id = await RequestStore.NextIdAsync(connection, cancellationToken);
            var card = JobOutbox.Begin();
            ChatNotifications.Via(card).RequestCreated(id);
            await using var batch = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    RequestStore.InsertCommand(id, person.Id, role, login, input.Duration, input.Reason, user.Platform, now, allowed),
                    AuditLog.AppendCommand([Created(id, person, role, input, user, now, allowed)]),
                    JobOutbox.SaveCommand(card),
                },
            };
            await batch.ExecuteNonQueryAsync(cancellationToken);
            audit.Appended.Raise();
            outbox.Wake();

            // Its timeout may be earlier than anything the scheduler waits for.
            timeouts.Wake();
            return new RequestAccessResult(RequestAccessOutcome.SentToApprovers, id, role.Name, input.Duration);
        }
    }

    private static AuditEntry Created(long id, Person person, RoleDefinition role, RequestAccessInput input, ChatUser user, DateTimeOffset now, PolicyVerdict.Allowed allowed)
    {
        var details = new Dictionary<string, string>
        {
            ["role"] = role.Name,
            ["duration"] = DurationText.Format(input.Duration),
            ["reason"] = input.Reason,
        };
        if (allowed.Rules.Count > 0)
        {
            // Which rules decided the request and why, for the audit trail.
            details["policy"] = string.Join("; ", allowed.Rules);
            details["required"] = allowed.AutoApproved ? "0" : (role.RequiredApprovals + allowed.ExtraApprovals).ToString(CultureInfo.InvariantCulture);
            if (allowed.ApproverStepUp)
            {
                details["approver_step_up"] = "true";
            }
        }

        return new AuditEntry(AuditEvents.RequestCreated, id, person.Id, user.Platform, now, details);
    }
}
