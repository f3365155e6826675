namespace ChatOpsApprover.Tests.Configuration;

/// <summary>Roles:&lt;name&gt;:BreakGlass is checked at start-up, each problem naming its key.</summary>
public sealed class BreakGlassOptionsTests
{
    private static Dictionary<string, string?> WithBreakGlass(string? maxDuration = "01:00:00")
    {
        var settings = Registered.ExampleSettings();
        settings["Roles:prod-db-read:BreakGlass:Allowed"] = "true";
        settings["Roles:prod-db-read:BreakGlass:MaxDuration"] = maxDuration;
        return settings;
    }

    [Fact]
    public void TheIssuesShape_IsValid_AndReachesTheRole()
    {
        var access = Registered.Access(WithBreakGlass());
        Assert.Empty(access.Validate(Registered.Defaults));
        Assert.Equal(TimeSpan.FromHours(1), access.ToDirectory(Registered.Defaults).FindRole("prod-db-read")!.BreakGlass!.MaxDuration);
    }

    [Fact]
    public void NotAllowed_MeansNoBreakGlass()
    {
        var settings = WithBreakGlass();
        settings["Roles:prod-db-read:BreakGlass:Allowed"] = "false";
        Assert.Null(Registered.Access(settings).ToDirectory(Registered.Defaults).FindRole("prod-db-read")!.BreakGlass);
    }

    [Theory]
    [InlineData(null, "Roles:prod-db-read:BreakGlass:MaxDuration: give the longest break-glass window")]
    [InlineData("00:00:00", "Roles:prod-db-read:BreakGlass:MaxDuration: give the longest break-glass window")]
    [InlineData("05:00:00", "Roles:prod-db-read:BreakGlass:MaxDuration: must be at most the role's MaxDuration (4h)")]
    public void ABadLimit_IsRefused_NamingTheKey(string? maxDuration, string expected) =>
        Assert.Contains(Registered.Access(WithBreakGlass(maxDuration)).Validate(Registered.Defaults), e => e.StartsWith(expected, StringComparison.Ordinal));

    [Fact]
    public void ARoleWithoutApprovers_CannotAllowBreakGlass_NobodyCouldReviewIt()
    {
        var settings = WithBreakGlass();
        settings.Remove("Roles:prod-db-read:Approvers:0");
        settings["Roles:prod-db-read:AutoApprove"] = "true";
        Assert.Contains(Registered.Access(settings).Validate(Registered.Defaults), e => e.StartsWith("Roles:prod-db-read:BreakGlass: every use is reviewed by an approver", StringComparison.Ordinal));
    }

    [Fact]
    public void ARoleWithoutAnApprovalChannel_CannotAllowBreakGlass_TheAlertWouldGoNowhere()
    {
        var settings = WithBreakGlass();
        settings.Remove("Roles:prod-db-read:SlackChannel");
        settings["Roles:prod-db-read:AutoApprove"] = "true";
        Assert.Contains("Roles:prod-db-read:BreakGlass: every use is announced in the role's approval channel; name one for the role (SlackChannel or TeamsChannel).",
            Registered.Access(settings).Validate(Registered.Defaults));
    }
}
