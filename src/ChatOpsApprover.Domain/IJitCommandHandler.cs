namespace ChatOpsApprover.Domain;

/// <summary>
/// Answers every <see cref="JitCommand"/>, one method per command (see <see cref="JitCommand.Accept{TResult}"/>).
/// Adding a command adds a method here, so no handler can silently miss it.
/// </summary>
public interface IJitCommandHandler<out TResult>
{
    TResult Request(JitCommand.Request command);

    TResult BreakGlass(JitCommand.BreakGlass command);

    TResult Review(JitCommand.Review command);

    TResult List(JitCommand.List command);

    TResult Revoke(JitCommand.Revoke command);

    TResult Roles(JitCommand.Roles command);

    TResult Help(JitCommand.Help command);

    TResult Enroll(JitCommand.Enroll command);

    TResult Confirm(JitCommand.Confirm command);

    TResult Extend(JitCommand.Extend command);

    TResult Factors(JitCommand.Factors command);

    TResult AdminResetMfa(JitCommand.AdminResetMfa command);

    TResult Audit(JitCommand.Audit command);

    TResult Invalid(JitCommand.Invalid command);
}
