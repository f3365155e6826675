using ChatOpsApprover.Chat.Cards;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;

namespace ChatOpsApprover.Tests.Requests;

public sealed class RequestFormSubmissionTests
{
    private static readonly RoleDefinition Read = Role("prod-db-read", TimeSpan.FromHours(4));
    private static readonly RoleDefinition Admin = Role("prod-db-admin", TimeSpan.FromMinutes(45));

    private static RoleDefinition? Find(string name) => new[] { Read, Admin }.FirstOrDefault(r => r.Name == name);

    [Fact]
    public void TheDurationsOnOffer_RunUpToTheLongestRole_AndIncludeEachRolesMaximum()
    {
        Assert.Equal([TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(45), TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(4)], RequestForm.DurationsFor([Read, Admin]));
        Assert.Empty(RequestForm.DurationsFor([]));
    }

    [Fact]
    public void AGoodSubmission_IsTheRequest_WithTheReasonTrimmed()
    {
        var (input, errors) = RequestFormSubmission.Check(new RequestFormValues("prod-db-read", "7200", "  fix INC-1 "), Find);
        Assert.Empty(errors);
        Assert.Equal(new RequestAccessInput("prod-db-read", TimeSpan.FromHours(2), "fix INC-1"), input);
    }

    [Fact]
    public void WhoMayRequestTheRole_IsLeftToPolicy_SoEveryPlatformSaysItTheSameWay()
    {
        var (input, errors) = RequestFormSubmission.Check(new RequestFormValues("root", "900", "why"), Find);
        Assert.Empty(errors);
        Assert.Equal("root", input!.Role);
    }

    [Theory]
    [InlineData(null, "3600", "why", RequestForm.RoleField, "Pick the role you need.")]
    [InlineData("prod-db-read", null, "why", RequestForm.DurationField, "Pick how long you need it.")]
    [InlineData("prod-db-read", "-60", "why", RequestForm.DurationField, "Pick how long you need it.")]
    [InlineData("prod-db-read", "0", "why", RequestForm.DurationField, "Pick how long you need it.")]
    [InlineData("prod-db-admin", "3600", "why", RequestForm.DurationField, "prod-db-admin can be granted for at most 45m; pick a shorter duration.")]
    [InlineData("prod-db-read", "3600", "   ", RequestForm.ReasonField, "A reason is required so approvers and auditors know why.")]
    public void EachProblem_IsNamedOnItsField_AndNothingIsRequested(string? role, string? seconds, string reason, string field, string error)
    {
        var (input, errors) = RequestFormSubmission.Check(new RequestFormValues(role, seconds, reason), Find);
        Assert.Null(input);
        Assert.Equal(error, Assert.Single(errors, e => e.Key == field).Value);
        Assert.Single(errors);
    }

    [Fact]
    public void ATooLongReason_IsRefused_SayingTheLimit()
    {
        var (input, errors) = RequestFormSubmission.Check(new RequestFormValues("prod-db-read", "900", new string('x', JitCommandParser.MaxReasonLength + 1)), Find);
        Assert.Null(input);
        Assert.Contains($"keep it under {JitCommandParser.MaxReasonLength}", errors[RequestForm.ReasonField], StringComparison.Ordinal);
    }

    private static RoleDefinition Role(string name, TimeSpan max) =>
        new(name, "desc", "prod-db", "prod_read", max, ["bob"], 1, false, new Dictionary<ChatPlatform, string>());
}
