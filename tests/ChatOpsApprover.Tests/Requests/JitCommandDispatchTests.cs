using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Tests.Requests;

/// <summary>Every command reaches the handler method named after it, so no command can be answered as another.</summary>
public sealed class JitCommandDispatchTests
{
    private static readonly string[] OneOfEach =
    [
        "request prod-db-read 2h fix INC-1234",
        "breakglass prod-db-read 30m outage INC-1234",
        "review 42 checked the session log",
        "list",
        "revoke 42",
        "roles",
        "help",
        "enroll",
        "factors",
        "confirm 42",
        "extend 42 1h",
        "admin reset-mfa alice",
        "audit alice 2026-11-01",
        "frobnicate",
    ];

    [Fact]
    public void EachCommand_IsHandedToItsOwnMethod()
    {
        foreach (var text in OneOfEach)
        {
            var command = JitCommandParser.Parse(text);
            Assert.Equal(command.GetType().Name, command.Accept(new MethodName()));
        }
    }

    [Fact]
    public void TheSamples_CoverEveryCommand()
    {
        var commands = typeof(JitCommand).GetNestedTypes().Where(t => t.IsSubclassOf(typeof(JitCommand))).Select(t => t.Name).Order().ToList();
        var sampled = OneOfEach.Select(text => JitCommandParser.Parse(text).GetType().Name).Order().ToList();
        Assert.Equal(commands, sampled);
    }

    private sealed class MethodName : IJitCommandHandler<string>
    {
        public string Request(JitCommand.Request command) => nameof(Request);

        public string BreakGlass(JitCommand.BreakGlass command) => nameof(BreakGlass);

        public string Review(JitCommand.Review command) => nameof(Review);

        public string List(JitCommand.List command) => nameof(List);

        public string Revoke(JitCommand.Revoke command) => nameof(Revoke);

        public string Roles(JitCommand.Roles command) => nameof(Roles);

        public string Help(JitCommand.Help command) => nameof(Help);

        public string Enroll(JitCommand.Enroll command) => nameof(Enroll);

        public string Confirm(JitCommand.Confirm command) => nameof(Confirm);

        public string Extend(JitCommand.Extend command) => nameof(Extend);

        public string Factors(JitCommand.Factors command) => nameof(Factors);

        public string AdminResetMfa(JitCommand.AdminResetMfa command) => nameof(AdminResetMfa);

        public string Audit(JitCommand.Audit command) => nameof(Audit);

        public string Invalid(JitCommand.Invalid command) => nameof(Invalid);
    }
}
