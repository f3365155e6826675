using System.Text;
using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Grants;
using ChatOpsApprover.Jobs;
using ChatOpsApprover.StepUp;
using Hangfire;

namespace ChatOpsApprover.Requests;

/// <summary>A reply to the person who typed a command, in plain text (adapters escape it for their markup).</summary>
public sealed record ChatReply(string Text);

/// <summary>The answer to an approver's click.</summary>
public sealed record DecisionResult(DecisionOutcome Outcome, string Message);

/// <summary>
/// Everything a person can do through chat, the same for every platform: adapters parse their wire format into a
/// <see cref="ChatUser"/> and a <see cref="JitCommand"/>, and render the reply.
/// </summary>
public sealed class AccessRequestService(
    AccessDirectory directory,
    RequestStore store,
    AuditLog audit,
    RevokeCommand revokeCommand,
    ChatNotifications notifications,
    Approvals approvals,
    EnrollCommand enrollCommand,
    FactorResetCommand factorResetCommand,
    StepUpMessenger stepUpMessenger,
    IBackgroundJobClient jobs,
    AuditReports auditReports,
    TimeProvider time)
{
    public Task<ChatReply> HandleAsync(ChatUser user, JitCommand command, CancellationToken cancellationToken) =>
        command.Accept(new CommandAnswers(this, user, directory.FindByChatUser(user), cancellationToken));

    /// <summary>
    /// An approver's click. <paramref name="replyChannel"/> is where they clicked: when the role asks approvers to
    /// confirm with their second factor, the link is shown to them there (or sent by direct message without one).
    /// </summary>
    public async Task<DecisionResult> DecideAsync(ChatUser user, long requestId, bool approve, CancellationToken cancellationToken, string? replyChannel = null)
    {
        var approver = directory.FindByChatUser(user);
        if (approver is null)
        {
            return Result(DecisionOutcome.UnknownPerson, requestId);
        }

        var now = time.GetUtcNow();
        await using var connection = await store.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // The row lock serialises racing clicks: the second one sees the first one's decision.
        var request = await store.FindAsync(connection, transaction, requestId, forUpdate: true);
        var role = request is null ? null : directory.FindRole(request.RoleName);
        if (request is null || role is null)
        {
            return Result(DecisionOutcome.NotFound, requestId);
        }

        var check = AccessPolicy.CheckDecision(request, role, approver);
        if (check != DecisionOutcome.Recorded)
        {
            return Result(check, requestId);
        }

        if (approve && StepUpRules.ApproverMustConfirm(role))
        {
            // Only the intent is recorded; the vote is counted when this approver's code is verified.
            await approvals.AskAsync(connection, transaction, requestId, approver.Id, StepUpPurpose.Approver, user.Platform, now);
            await transaction.CommitAsync(cancellationToken);
            var approverId = approver.Id;
            var platform = user.Platform;
            var userId = user.PlatformUserId;
            jobs.Enqueue<StepUpJobs>(j => j.SendLinkAsync(requestId, approverId, StepUpPurpose.Approver, platform, userId, replyChannel, CancellationToken.None));
            notifications.CardsChanged(requestId);
            return Result(DecisionOutcome.StepUpRequired, requestId);
        }

        var outcome = await approvals.CountVoteAsync(connection, transaction, request, role, new Decision(approver.Id, approve, now, user.Platform));
        await transaction.CommitAsync(cancellationToken);
        approvals.AfterCommit(request, role, outcome);
        return Result(outcome, requestId);
    }

    /// <summary>jit confirm &lt;id&gt;: a fresh confirmation link, when something on that request waits for this person's code.</summary>
    private async Task<ChatReply> ConfirmAsync(Person person, long requestId, CancellationToken cancellationToken)
    {
        foreach (var purpose in new[] { StepUpPurpose.Requester, StepUpPurpose.Approver })
        {
            if (await stepUpMessenger.PrepareAsync(requestId, person.Id, purpose, cancellationToken) is { } text)
            {
                return new ChatReply(text);
            }
        }

        var request = await store.FindAsync(requestId);
        return new ChatReply(request is null || (request.PersonId != person.Id && !request.StepUps.Any(s => s.PersonId == person.Id))
            ? $"There is no request #{requestId} waiting for your confirmation. See your requests with: jit list"
            : $"Request #{requestId} is not waiting for your confirmation ({RequestMessages.Describe(request)}); nothing to confirm.");
    }

    private async Task<ChatReply> RequestAsync(ChatUser user, Person person, JitCommand.Request command, CancellationToken cancellationToken)
    {
        var check = AccessPolicy.CheckRequest(directory, person, user, command.Role, command.Duration);
        if (check is not RequestCheck.Allowed(var role, var login))
        {
            return new ChatReply(((RequestCheck.Refused)check).Message);
        }

        var now = time.GetUtcNow();
        long id;
        AccessRequest? created = null;
        await using (var connection = await store.DataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            id = await store.InsertAsync(connection, transaction, person.Id, role, login, command.Duration, command.Reason, user.Platform, now);
            await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.RequestCreated, id, person.Id, user.Platform, now, new Dictionary<string, string>
            {
                ["role"] = role.Name,
                ["duration"] = DurationText.Format(command.Duration),
                ["reason"] = command.Reason,
            }));
            if (role.AutoApprove)
            {
                created = await store.FindAsync(connection, transaction, id, forUpdate: true);
                await store.MoveAsync(connection, transaction, created!, RequestStatus.Approved, new StatusChange());
                await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.RequestApproved, id, "policy", ChatPlatform.System, now, new Dictionary<string, string> { ["rule"] = "AutoApprove" }));
                await approvals.OnApprovedAsync(connection, transaction, created!, role, now);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        if (role.AutoApprove)
        {
            if (StepUpRules.RequesterMustConfirm(role))
            {
                approvals.AfterCommit(created!, role, DecisionOutcome.Approved);
            }
            else
            {
                approvals.StartGrant(id);
            }

            return new ChatReply(StepUpRules.RequesterMustConfirm(role)
                ? $"Request #{id} for {role.Name} ({DurationText.Format(command.Duration)}) needs no approval; access starts once you confirm it with your second factor (a link is on its way)."
                : $"Request #{id} for {role.Name} ({DurationText.Format(command.Duration)}) needs no approval; access is being granted.");
        }

        notifications.RequestCreated(id);
        return new ChatReply($"Request #{id} for {role.Name} ({DurationText.Format(command.Duration)}) was sent to its approvers. You will get a message when it is decided.");
    }

    private async Task<ChatReply> ListAsync(Person person)
    {
        var open = await store.ListOpenForPersonAsync(person.Id);
        if (open.Count == 0)
        {
            return new ChatReply("You have no pending or active requests. Ask for access with: jit request <role> <duration> <reason…>");
        }

        var text = new StringBuilder("Your pending and active requests:");
        foreach (var request in open)
        {
            text.Append('\n').Append("• ").Append(RequestMessages.Summary(request));
        }

        return new ChatReply(text.ToString());
    }

    private ChatReply Roles(Person person)
    {
        var roles = directory.Roles.Where(r => person.Logins.ContainsKey(r.Target)).ToList();
        if (roles.Count == 0)
        {
            return new ChatReply("There is no role you can request: you have no login at any target. Ask an admin to add your logins under People.");
        }

        var text = new StringBuilder("Roles you may request:");
        foreach (var role in roles)
        {
            var approval = role.AutoApprove ? "no approval needed" : $"{role.RequiredApprovals} approval(s) from {string.Join(", ", role.Approvers)}";
            text.Append('\n').Append($"• {role.Name} — {role.Description} (up to {DurationText.Format(role.MaxDuration)}; {approval})");
        }

        return new ChatReply(text.ToString());
    }

    private async Task<ChatReply> RevokeAsync(ChatUser user, Person person, long requestId, CancellationToken cancellationToken)
    {
        var (outcome, request) = await revokeCommand.RevokeNowAsync(requestId, person, user.Platform, directory, cancellationToken);
        return new ChatReply(outcome switch
        {
            RevokeOutcome.Revoked => $"Access of request #{requestId} ({request!.RoleName}) was revoked.",
            RevokeOutcome.Withdrawn => $"Request #{requestId} ({request!.RoleName}) was withdrawn before access started.",
            RevokeOutcome.NotFound => $"There is no request #{requestId}. See your requests with: jit list",
            RevokeOutcome.NotAllowed => $"You may not revoke request #{requestId}: only its requester, an approver of its role or an admin may.",
            RevokeOutcome.AlreadyEnded => $"Request #{requestId} has already ended ({RequestMessages.Describe(request!)}); nothing changed.",
            RevokeOutcome.TargetUnavailable => $"The target of request #{requestId} did not answer; the revocation is retried until it succeeds.",
        });
    }

    private async Task<ChatReply> AuditAsync(Person person, JitCommand.Audit command, CancellationToken cancellationToken) =>
        new(await auditReports.SummarizeAsync(person, command, cancellationToken));

    private Task<ChatReply> EnrollAsync(Person person, CancellationToken cancellationToken) => enrollCommand.RunAsync(person, cancellationToken);

    private Task<ChatReply> ResetMfaAsync(ChatUser user, Person admin, string personId, CancellationToken cancellationToken) =>
        factorResetCommand.RunAsync(user, admin, personId, cancellationToken);

    private static DecisionResult Result(DecisionOutcome outcome, long requestId) => new(outcome, RequestMessages.ForDecision(outcome, requestId));

    /// <summary>
    /// The answer to one person's command. Help and input that could not be parsed are answered for anyone; every
    /// other command only for a registered person.
    /// </summary>
    private sealed class CommandAnswers(AccessRequestService service, ChatUser user, Person? person, CancellationToken cancellationToken)
        : IJitCommandHandler<Task<ChatReply>>
    {
        public Task<ChatReply> Invalid(JitCommand.Invalid command) => Task.FromResult(new ChatReply(command.Message));

        public Task<ChatReply> Help(JitCommand.Help command) => Task.FromResult(new ChatReply(JitCommandParser.Usage));

        public Task<ChatReply> Request(JitCommand.Request command) => ForRegistered(p => service.RequestAsync(user, p, command, cancellationToken));

        public Task<ChatReply> List(JitCommand.List command) => ForRegistered(service.ListAsync);

        public Task<ChatReply> Roles(JitCommand.Roles command) => ForRegistered(p => Task.FromResult(service.Roles(p)));

        public Task<ChatReply> Revoke(JitCommand.Revoke command) => ForRegistered(p => service.RevokeAsync(user, p, command.RequestId, cancellationToken));

        public Task<ChatReply> Audit(JitCommand.Audit command) => ForRegistered(p => service.AuditAsync(p, command, cancellationToken));

        public Task<ChatReply> Enroll(JitCommand.Enroll command) => ForRegistered(p => service.EnrollAsync(p, cancellationToken));

        public Task<ChatReply> AdminResetMfa(JitCommand.AdminResetMfa command) =>
            ForRegistered(p => service.ResetMfaAsync(user, p, command.PersonId, cancellationToken));

        public Task<ChatReply> Confirm(JitCommand.Confirm command) => ForRegistered(p => service.ConfirmAsync(p, command.RequestId, cancellationToken));

        private Task<ChatReply> ForRegistered(Func<Person, Task<ChatReply>> answer) => person is null
            ? Task.FromResult(new ChatReply($"You ({user.Platform} user {user.PlatformUserId}) are not registered with ChatOpsApprover. Ask an admin to add you under People in the configuration."))
            : answer(person);
    }
}
