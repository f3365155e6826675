using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;
using ChatOpsApprover.StepUp;
using Hangfire;

namespace ChatOpsApprover.BreakGlass;

/// <summary>
/// "jit breakglass": a person takes a role at once in an emergency. Checked against policy (the role allows it, the
/// person may request the role, within the break-glass limit), then in one transaction stored as approved by policy,
/// marked as needing review (breakglass.used), and the requester's second-factor confirmation asked for — always,
/// whatever the role's StepUp says, so a stolen chat session alone never opens the glass. After the commit the
/// requester gets the confirmation link and the alert goes out.
/// </summary>
public sealed class UseBreakGlass(
    AccessDirectory directory,
    RequestStore store,
    AuditLog audit,
    Approvals approvals,
    IBackgroundJobClient jobs,
    TimeProvider time,
    ILogger<UseBreakGlass> logger)
{
    public async Task<BreakGlassResult> UseAsync(ChatUser user, RequestAccessInput input, CancellationToken cancellationToken)
    {
        var person = directory.FindByChatUser(user);
        var check = AccessPolicy.CheckBreakGlass(directory, person, user, input.Role, input.Duration);
        if (check is not RequestCheck.Allowed(var role, var login))
        {
            return BreakGlassResult.Refused(((RequestCheck.Refused)check).Message);
        }

        // Policy allows only a registered person.
        var requester = person!;
        var now = time.GetUtcNow();
        long id;
        await using (var connection = await store.DataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            // Break-glass is its own rule: the working-hours, auto-approval and risk rules do not apply to it.
            id = await store.InsertAsync(connection, transaction, requester.Id, role, login, input.Duration, input.Reason, user.Platform, now, new PolicyVerdict.Allowed(AutoApproved: false, ExtraApprovals: 0, ApproverStepUp: false, Rules: []));
            await store.MarkBreakGlassAsync(connection, transaction, id);
            var facts = new Dictionary<string, string>
            {
                ["role"] = role.Name,
                ["duration"] = DurationText.Format(input.Duration),
                ["reason"] = input.Reason,
            };
            await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.RequestCreated, id, requester.Id, user.Platform, now, new Dictionary<string, string>(facts) { ["break_glass"] = "true" }));
            await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.BreakGlassUsed, id, requester.Id, user.Platform, now, new Dictionary<string, string>(facts) { ["review"] = "needed" }));
            var created = await store.FindAsync(connection, transaction, id, forUpdate: true);
            await store.MoveAsync(connection, transaction, created!, RequestStatus.Approved, new StatusChange());
            await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.RequestApproved, id, "policy", ChatPlatform.System, now, new Dictionary<string, string> { ["rule"] = "BreakGlass" }));
            await approvals.AskAsync(connection, transaction, id, requester.Id, StepUpPurpose.Requester, user.Platform, now);
            await transaction.CommitAsync(cancellationToken);
        }

        var platform = user.Platform;
        jobs.Enqueue<StepUpJobs>(j => j.SendLinkAsync(id, requester.Id, StepUpPurpose.Requester, platform, null, null, CancellationToken.None));
        jobs.Enqueue<BreakGlassJobs>(j => j.AlertAsync(id, CancellationToken.None));
        logger.LogWarning("Break-glass: {Person} took {Role} for {Duration} without approval (request {AccessRequestId}); it needs review", requester.Id, role.Name, DurationText.Format(input.Duration), id);
        return new BreakGlassResult(id, role.Name, input.Duration);
    }
}
