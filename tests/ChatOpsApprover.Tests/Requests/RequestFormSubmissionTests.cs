using ChatOpsApprover.Chat.Cards;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;

namespace ChatOpsApprover.Tests.Requests;

public sealed class RequestFormSubmissionTests
{
    private static readonly RoleDefinition Read = Role("prod-db-read", TimeSpan.FromHours(4));
    private static readonly RoleDefinition Admin = Role("prod-db-admin", TimeSpan.FromMinutes(30));

    [Fact]
    public void TheDurationsOnOffer_RunUpToTheLongestRole_AndIncludeIt()
    {
        Assert.Equal([TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(4)], RequestForm.DurationsFor([Read, Admin]));
        Assert.Equal([TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(45)], RequestForm.DurationsFor([Role("odd", TimeSpan.FromMinutes(45))]));
        Assert.Empty(RequestForm.DurationsFor([]));
    }

    [Fact]
    public void AGoodSubmission_IsTheRequest_WithTheReasonTrimmed()
    {
        var (input, errors) = RequestFormSubmission.Check(new RequestFormValues("prod-db-read", "7200", "  fix INC-1 "), [Read, Admin]);
        Assert.Empty(errors);
        Assert.Equal(new RequestAccessInput("prod-db-read", TimeSpan.FromHours(2), "fix INC-1"), input);
    }

    [Theory]
    [InlineData(null, "3600", "why", RequestForm.RoleField)]
    [InlineData("prod-db-write", "3600", "why", RequestForm.RoleField)]
    [InlineData("prod-db-read", null, "why", RequestForm.DurationField)]
    [InlineData("prod-db-read", "3601", "why", RequestForm.DurationField)]
    [InlineData("prod-db-read", "-60", "why", RequestForm.DurationField)]
    [InlineData("prod-db-admin", "3600", "why", RequestForm.DurationField)]
    [InlineData("prod-db-read", "3600", "   ", RequestForm.ReasonField)]
    public void EachProblem_IsNamedOnItsField_AndNothingIsRequested(string? role, string? seconds, string reason, string field)
    {
        var (input, errors) = RequestFormSubmission.Check(new RequestFormValues(role, seconds, reason), [Read, Admin]);
        Assert.Null(input);
        Assert.Equal([field], errors.Keys);
    }

    [Fact]
    public void ATooLongReason_IsRefused_SayingTheLimit()
    {
        var (input, errors) = RequestFormSubmission.Check(new RequestFormValues("prod-db-read", "900", new string('x', JitCommandParser.MaxReasonLength + 1)), [Read]);
        Assert.Null(input);
        Assert.Contains($"keep it under {JitCommandParser.MaxReasonLength}", errors[RequestForm.ReasonField], StringComparison.Ordinal);
    }

    private static RoleDefinition Role(string name, TimeSpan max) =>
        new(name, "desc", "prod-db", "prod_read", max, ["bob"], 1, false, new Dictionary<ChatPlatform, string>());
}
