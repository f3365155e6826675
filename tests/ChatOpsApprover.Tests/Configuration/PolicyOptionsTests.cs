using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Tests.Configuration;

public sealed class PolicyOptionsTests
{
    private static Dictionary<string, string?> WithPolicy(params (string Key, string Value)[] settings)
    {
        var all = Registered.ExampleSettings();
        all["People:carol:Slack"] = "U0CAROL";
        all["Roles:prod-db-read:Approvers:1"] = "carol";
        all["Groups:oncall:0"] = "alice";
        foreach (var (key, value) in settings)
        {
            all[$"Roles:prod-db-read:{key}"] = value;
        }

        return all;
    }

    private static readonly (string, string)[] Office =
    [
        ("Hours:Days:0", "Mon"), ("Hours:Days:1", "Tue"), ("Hours:Days:2", "Wed"), ("Hours:Days:3", "Thu"), ("Hours:Days:4", "Fri"),
        ("Hours:From", "08:00"), ("Hours:To", "18:00"), ("Hours:TimeZone", "Europe/Berlin"),
    ];

    [Fact]
    public void TheIssuesExample_IsValid_AndReadIntoTheRole()
    {
        var settings = WithPolicy([.. Office, ("OutsideHours", "ExtraApproval"),
            ("AutoApprove:For:0", "group:oncall"), ("AutoApprove:OnlyInHours", "true"), ("AutoApprove:MaxDuration", "01:00:00"),
            ("Risk:LongerThan", "02:00:00"), ("Risk:FirstRequest", "true"), ("Risk:NewDevice", "true"), ("Risk:NewNetwork", "true"), ("Risk:Action", "ApproverStepUp")]);
        var access = Registered.Access(settings);
        Assert.Empty(access.Validate(Registered.Defaults));
        var role = access.ToDirectory(Registered.Defaults).FindRole("prod-db-read")!;
        Assert.Equal("Mon–Fri 08:00–18:00 Europe/Berlin", role.Hours!.Describe());
        Assert.Equal(OutsideHoursAction.ExtraApproval, role.OutsideHours);
        Assert.True(role.AutoApprove);
        Assert.Equal(new[] { "group:oncall" }, role.AutoApproveLimits!.For);
        Assert.True(role.AutoApproveLimits.OnlyInHours);
        Assert.Equal(TimeSpan.FromHours(1), role.AutoApproveLimits.MaxDuration);
        Assert.Equal(new RiskRules(TimeSpan.FromHours(2), true, true, true, RiskAction.ApproverStepUp, StepUpRiskAction.Review), role.Risk);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void AutoApprove_AsABool_KeepsItsMeaning(string value, bool auto)
    {
        var role = Registered.Access(WithPolicy(("AutoApprove", value))).ToDirectory(Registered.Defaults).FindRole("prod-db-read")!;
        Assert.Equal(auto, role.AutoApprove);
        Assert.Null(role.AutoApproveLimits);
    }

    [Theory]
    [InlineData("Hours:TimeZone", "Mars/Olympus", "Roles:prod-db-read:Hours:TimeZone: \"Mars/Olympus\" is not a time zone known here")]
    [InlineData("Hours:From", "8am", "Roles:prod-db-read:Hours:From: \"8am\" is not a time of day")]
    [InlineData("Hours:Days:0", "Funday", "Roles:prod-db-read:Hours:Days: \"Funday\" is not a day")]
    [InlineData("Hours:To", "07:00", "Roles:prod-db-read:Hours:To: must be later than From")]
    [InlineData("OutsideHours", "Maybe", "Roles:prod-db-read:OutsideHours: \"Maybe\" is not known")]
    [InlineData("Risk:Action", "Panic", "Roles:prod-db-read:Risk:Action: \"Panic\" is not known")]
    [InlineData("Risk:StepUpAction", "ExtraApproval", "Roles:prod-db-read:Risk:StepUpAction: \"ExtraApproval\" is not known; use Block or Review.")]
    [InlineData("AutoApprove", "yes", "Roles:prod-db-read:AutoApprove: \"yes\" is neither true, false nor an object")]
    [InlineData("AutoApprove:MaxDuration", "soon", "Roles:prod-db-read:AutoApprove: ")]
    [InlineData("AutoApprove:For:0", "group:nobody", "Roles:prod-db-read:AutoApprove:For")]
    public void BadPolicySettings_AreNamedByKey(string key, string value, string expected)
    {
        var settings = WithPolicy([.. Office, (key, value)]);
        var errors = Registered.Access(settings).Validate(Registered.Defaults);
        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void OutsideHoursWithoutHours_AndOnlyInHoursWithoutHours_AreProblems()
    {
        var errors = Registered.Access(WithPolicy(("OutsideHours", "Refuse"), ("AutoApprove:OnlyInHours", "true"))).Validate(Registered.Defaults);
        Assert.Contains(errors, e => e.StartsWith("Roles:prod-db-read:OutsideHours: set Roles:prod-db-read:Hours too", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Roles:prod-db-read:AutoApprove:OnlyInHours: set Roles:prod-db-read:Hours too", StringComparison.Ordinal));
    }

    [Fact]
    public void RequestSignalsWithoutAnAction_AreAProblem()
    {
        var errors = Registered.Access(WithPolicy(("Risk:LongerThan", "02:00:00"))).Validate(Registered.Defaults);
        Assert.Contains(errors, e => e.StartsWith("Roles:prod-db-read:Risk:Action: say what LongerThan and FirstRequest ask for", StringComparison.Ordinal));
    }

    [Fact]
    public void AnExtraApproval_NeedsOneApproverMore()
    {
        var settings = WithPolicy([.. Office, ("OutsideHours", "ExtraApproval"), ("RequiredApprovals", "2")]);
        var errors = Registered.Access(settings).Validate(Registered.Defaults);
        Assert.Contains(errors, e => e.StartsWith("Roles:prod-db-read:Approvers: 3 approval(s) may be required", StringComparison.Ordinal));
    }

    [Fact]
    public void ALimitedAutoApproval_StillNeedsApprovalChannels()
    {
        var settings = WithPolicy(("AutoApprove:MaxDuration", "01:00:00"));
        settings.Remove("Roles:prod-db-read:SlackChannel");
        var errors = Registered.Access(settings).Validate(Registered.Defaults);
        Assert.Contains(errors, e => e.StartsWith("Roles:prod-db-read: name where approval cards go", StringComparison.Ordinal));

        settings["Roles:prod-db-read:AutoApprove"] = "true";
        settings.Remove("Roles:prod-db-read:AutoApprove:MaxDuration");
        Assert.Empty(Registered.Access(settings).Validate(Registered.Defaults));
    }
}
