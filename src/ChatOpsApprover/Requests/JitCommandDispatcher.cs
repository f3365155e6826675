using ChatOpsApprover.Audit;
using ChatOpsApprover.BreakGlass;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Grants;
using ChatOpsApprover.Observability;
using ChatOpsApprover.StepUp;

namespace ChatOpsApprover.Requests;

/// <summary>
/// Hands each chat command to its use case and words the outcome with <see cref="RequestMessages"/>, the same for
/// every platform: adapters parse their wire format into a <see cref="ChatUser"/> and a <see cref="JitCommand"/>, and
/// render the reply. It only routes; what a command does lives in its use case.
/// </summary>
public sealed class JitCommandDispatcher(
    AccessDirectory directory,
    RequestAccess requestAccess,
    ListRequests listRequests,
    ListRoles listRoles,
    RevokeCommand revokeCommand,
    ConfirmCommand confirmCommand,
    ExtendAccess extendAccess,
    AuditReports auditReports,
    EnrollCommand enrollCommand,
    FactorResetCommand factorResetCommand,
    FactorsCommand factorsCommand,
    UseBreakGlass useBreakGlass,
    ReviewBreakGlass reviewBreakGlass,
    ListBreakGlassToReview breakGlassToReview,
    ILogger<JitCommandDispatcher> logger)
{
    // Fields, because the per-command route below reads them (a nested type cannot see constructor parameters).
    private readonly AccessDirectory _directory = directory;
    private readonly RequestAccess _requestAccess = requestAccess;
    private readonly ListRequests _listRequests = listRequests;
    private readonly ListRoles _listRoles = listRoles;
    private readonly RevokeCommand _revokeCommand = revokeCommand;
    private readonly ConfirmCommand _confirmCommand = confirmCommand;
    private readonly ExtendAccess _extendAccess = extendAccess;
    private readonly AuditReports _auditReports = auditReports;
    private readonly EnrollCommand _enrollCommand = enrollCommand;
    private readonly FactorResetCommand _factorResetCommand = factorResetCommand;
    private readonly FactorsCommand _factorsCommand = factorsCommand;
    private readonly UseBreakGlass _useBreakGlass = useBreakGlass;
    private readonly ReviewBreakGlass _reviewBreakGlass = reviewBreakGlass;
    private readonly ListBreakGlassToReview _breakGlassToReview = breakGlassToReview;

    public async Task<ChatReply> HandleAsync(ChatUser user, JitCommand command, CancellationToken cancellationToken)
    {
        var person = _directory.FindByChatUser(user);
        using var scope = logger.BeginChatScope(user, person);
        return await command.Accept(new Route(this, user, person, cancellationToken));
    }

    /// <summary>
    /// One person's command. Help and input that could not be parsed are answered for anyone; a request is checked by
    /// <see cref="RequestAccess"/> itself (it is also made from other places than a command); every other command is
    /// answered only for a registered person.
    /// </summary>
    private sealed class Route(JitCommandDispatcher dispatcher, ChatUser user, Person? person, CancellationToken cancellationToken)
        : IJitCommandHandler<Task<ChatReply>>
    {
        public Task<ChatReply> Invalid(JitCommand.Invalid command) => Reply(command.Message);

        public Task<ChatReply> Help(JitCommand.Help command) => Reply(JitCommandParser.Usage);

        public async Task<ChatReply> Request(JitCommand.Request command) => new(RequestMessages.ForRequest(
            await dispatcher._requestAccess.RequestAsync(user, new RequestAccessInput(command.Role, command.Duration, command.Reason), cancellationToken)));

        public async Task<ChatReply> BreakGlass(JitCommand.BreakGlass command) => new(BreakGlassMessages.ForUse(
            await dispatcher._useBreakGlass.UseAsync(user, new RequestAccessInput(command.Role, command.Duration, command.Reason), cancellationToken)));

        public Task<ChatReply> Review(JitCommand.Review command) => ForRegistered(async p =>
        {
            var (outcome, request) = await dispatcher._reviewBreakGlass.ReviewAsync(p, user.Platform, command.RequestId, command.Note, cancellationToken);
            return BreakGlassMessages.ForReview(outcome, command.RequestId, request);
        });

        public Task<ChatReply> List(JitCommand.List command) =>
            ForRegistered(async p => RequestMessages.RequestList(await dispatcher._listRequests.ListAsync(p), await dispatcher._listRequests.WaitingForAsync(p, user.Platform))
                + BreakGlassMessages.Unreviewed(await dispatcher._breakGlassToReview.ListAsync(p)));

        public Task<ChatReply> Roles(JitCommand.Roles command) =>
            ForRegistered(p => Task.FromResult(RequestMessages.RoleList(dispatcher._listRoles.List(p))));

        public Task<ChatReply> Revoke(JitCommand.Revoke command) => ForRegistered(async p =>
        {
            var (outcome, request) = await dispatcher._revokeCommand.RevokeNowAsync(command.RequestId, p, user.Platform, dispatcher._directory, cancellationToken);
            return RequestMessages.ForRevoke(outcome, command.RequestId, request);
        });

        public Task<ChatReply> Confirm(JitCommand.Confirm command) =>
            ForRegistered(async p => RequestMessages.ForConfirm(await dispatcher._confirmCommand.ConfirmAsync(p, command.RequestId, cancellationToken)));

        public Task<ChatReply> Extend(JitCommand.Extend command) =>
            ForRegistered(async _ => RequestMessages.ForExtend(await dispatcher._extendAccess.AskAsync(user, command.RequestId, command.Duration, cancellationToken)));

        public Task<ChatReply> Audit(JitCommand.Audit command) =>
            ForRegistered(p => dispatcher._auditReports.SummarizeAsync(p, user.Platform, command, cancellationToken));

        public Task<ChatReply> Enroll(JitCommand.Enroll command) =>
            ForRegistered(p => dispatcher._enrollCommand.RunAsync(p, cancellationToken));

        public Task<ChatReply> Factors(JitCommand.Factors command) =>
            ForRegistered(p => dispatcher._factorsCommand.RunAsync(p, cancellationToken));

        public Task<ChatReply> AdminResetMfa(JitCommand.AdminResetMfa command) =>
            ForRegistered(p => dispatcher._factorResetCommand.RunAsync(user, p, command.PersonId, cancellationToken));

        private static Task<ChatReply> Reply(string text) => Task.FromResult(new ChatReply(text));

        private Task<ChatReply> ForRegistered(Func<Person, Task<ChatReply>> answer) =>
            person is null ? Reply(RequestMessages.NotRegistered(user)) : answer(person);

        private Task<ChatReply> ForRegistered(Func<Person, Task<string>> answer) =>
            ForRegistered(async p => new ChatReply(await answer(p)));
    }
}
