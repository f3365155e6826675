using System.Globalization;
using ChatOpsApprover.Chat.Slack;
using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Tests.Domain;

public sealed class PolicyEvaluationTests
{
    // Tue 2026-03-31 10:00 and 03:00 in Berlin (summer time, UTC+2).
    private static readonly DateTimeOffset InHours = DateTimeOffset.Parse("2026-03-31T08:00:00Z", CultureInfo.InvariantCulture);
    private static readonly DateTimeOffset AtNight = DateTimeOffset.Parse("2026-03-31T01:00:00Z", CultureInfo.InvariantCulture);

    private static readonly WorkingHours Office = new(
        new HashSet<DayOfWeek> { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday },
        new TimeOnly(8, 0), new TimeOnly(18, 0), TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));

    private static RoleDefinition Role(bool autoApprove = false) =>
        new("prod-db-read", "read", "prod-db", "prod_read", TimeSpan.FromHours(8), ["bob", "carol"], 1, autoApprove, new Dictionary<ChatPlatform, string> { [SlackChat.Key] = "C1" });

    private static AccessDirectory Directory(params RoleDefinition[] roles) => new(
        [new Person("alice", new Dictionary<ChatPlatform, string>(), new Dictionary<string, string>(), false), new Person("erin", new Dictionary<ChatPlatform, string>(), new Dictionary<string, string>(), false)],
        roles,
        [],
        new Dictionary<string, IReadOnlyList<string>> { ["oncall"] = ["alice"] });

    private static PolicyVerdict Evaluate(RoleDefinition role, DateTimeOffset at, TimeSpan? duration = null, bool first = false, string person = "alice") =>
        PolicyEvaluation.Evaluate(Directory(role), role, new PolicyQuestion(person, duration ?? TimeSpan.FromHours(1), at, first));

    [Fact]
    public void NoRules_NeedTheUsualApproval_AndNameNothing()
    {
        var verdict = Assert.IsType<PolicyVerdict.Allowed>(Evaluate(Role(), AtNight));
        Assert.Equal(new PolicyVerdict.Allowed(false, 0, false, []), verdict with { Rules = [] });
        Assert.Empty(verdict.Rules);
    }

    [Fact]
    public void OutsideHours_Refuse_SaysWhenTheRoleCanNextBeRequested()
    {
        var refused = Assert.IsType<PolicyVerdict.Refused>(Evaluate(Role() with { Hours = Office, OutsideHours = OutsideHoursAction.Refuse }, AtNight));
        Assert.Equal("OutsideHours", refused.Rule.Rule);
        Assert.Contains("Mon–Fri 08:00–18:00 Europe/Berlin", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Ask again from Tue 2026-03-31 08:00 Europe/Berlin", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Roles:prod-db-read:Hours", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InsideHours_NoRuleFires()
    {
        var verdict = Assert.IsType<PolicyVerdict.Allowed>(Evaluate(Role() with { Hours = Office, OutsideHours = OutsideHoursAction.Refuse }, InHours));
        Assert.Empty(verdict.Rules);
        Assert.Equal(0, verdict.ExtraApprovals);
    }

    [Fact]
    public void OutsideHours_ExtraApproval_AddsOne()
    {
        var verdict = Assert.IsType<PolicyVerdict.Allowed>(Evaluate(Role() with { Hours = Office, OutsideHours = OutsideHoursAction.ExtraApproval }, AtNight));
        Assert.Equal(1, verdict.ExtraApprovals);
        Assert.False(verdict.ApproverStepUp);
        Assert.Equal("OutsideHours", Assert.Single(verdict.Rules).Rule);
        Assert.Contains("one more approval", verdict.Rules[0].Why, StringComparison.Ordinal);
    }

    [Fact]
    public void OutsideHours_ApproverStepUp_AsksApproversForTheirSecondFactor()
    {
        var verdict = Assert.IsType<PolicyVerdict.Allowed>(Evaluate(Role() with { Hours = Office, OutsideHours = OutsideHoursAction.ApproverStepUp }, AtNight));
        Assert.True(verdict.ApproverStepUp);
        Assert.Equal(0, verdict.ExtraApprovals);
    }

    [Fact]
    public void AutoApproveTrue_ApprovesAnything_AsToday()
    {
        var verdict = Assert.IsType<PolicyVerdict.Allowed>(Evaluate(Role(autoApprove: true), AtNight, TimeSpan.FromHours(8)));
        Assert.True(verdict.AutoApproved);
        Assert.Equal(new PolicyRuleHit("AutoApprove", "AutoApprove is true"), Assert.Single(verdict.Rules));
    }

    [Theory]
    [InlineData("alice", "2026-03-31T08:00:00Z", 60, true, null)]
    [InlineData("erin", "2026-03-31T08:00:00Z", 60, false, "erin is not among group:oncall")]
    [InlineData("alice", "2026-03-31T01:00:00Z", 60, false, "outside working hours")]
    [InlineData("alice", "2026-03-31T08:00:00Z", 61, false, "1h1m is longer than 1h")]
    public void AutoApproveLimits_ApplyOnlyWithinThem(string person, string at, int minutes, bool auto, string? why)
    {
        var role = Role(autoApprove: true) with { Hours = Office, OutsideHours = OutsideHoursAction.ApproverStepUp, AutoApproveLimits = new AutoApproveLimits(["group:oncall"], true, TimeSpan.FromHours(1)) };
        var verdict = Assert.IsType<PolicyVerdict.Allowed>(Evaluate(role, DateTimeOffset.Parse(at, CultureInfo.InvariantCulture), TimeSpan.FromMinutes(minutes), person: person));
        Assert.Equal(auto, verdict.AutoApproved);
        var rule = verdict.Rules.Single(r => r.Rule == "AutoApprove");
        if (why is null)
        {
            Assert.Equal("alice is among group:oncall, inside Mon–Fri 08:00–18:00 Europe/Berlin, 1h ≤ 1h", rule.Why);
        }
        else
        {
            Assert.Equal($"not applied: {why}; normal approval", rule.Why);
        }
    }

    [Fact]
    public void RiskLongerThan_ExtraApproval_BeatsAutoApproval()
    {
        var role = Role(autoApprove: true) with { Risk = RiskRules.None with { LongerThan = TimeSpan.FromHours(2), Action = RiskAction.ExtraApproval } };
        var verdict = Assert.IsType<PolicyVerdict.Allowed>(Evaluate(role, InHours, TimeSpan.FromHours(3)));
        Assert.False(verdict.AutoApproved);
        Assert.Equal(1, verdict.ExtraApprovals);
        Assert.Equal(["Risk:LongerThan", "AutoApprove"], verdict.Rules.Select(r => r.Rule));
        Assert.Equal("3h asked, more than 2h → one more approval", verdict.Rules[0].Why);
        Assert.Equal("set aside: a rule above asks for approval", verdict.Rules[1].Why);

        var shorter = Assert.IsType<PolicyVerdict.Allowed>(Evaluate(role, InHours, TimeSpan.FromHours(2)));
        Assert.True(shorter.AutoApproved);
    }

    [Fact]
    public void RiskFirstRequest_OnlyForTheFirst()
    {
        var role = Role() with { Risk = RiskRules.None with { FirstRequest = true, Action = RiskAction.ApproverStepUp } };
        var first = Assert.IsType<PolicyVerdict.Allowed>(Evaluate(role, InHours, first: true));
        Assert.True(first.ApproverStepUp);
        Assert.Equal("Risk:FirstRequest", Assert.Single(first.Rules).Rule);
        var later = Assert.IsType<PolicyVerdict.Allowed>(Evaluate(role, InHours, first: false));
        Assert.False(later.ApproverStepUp);
        Assert.Empty(later.Rules);
    }

    [Fact]
    public void SeveralExtraApprovalRules_AskForOneMoreApproval_NotOneEach()
    {
        var role = Role() with
        {
            Hours = Office,
            OutsideHours = OutsideHoursAction.ExtraApproval,
            Risk = RiskRules.None with { LongerThan = TimeSpan.FromHours(1), FirstRequest = true, Action = RiskAction.ExtraApproval },
        };
        var verdict = Assert.IsType<PolicyVerdict.Allowed>(Evaluate(role, AtNight, TimeSpan.FromHours(2), first: true));
        Assert.Equal(1, verdict.ExtraApprovals);
        Assert.Equal(["OutsideHours", "Risk:LongerThan", "Risk:FirstRequest"], verdict.Rules.Select(r => r.Rule));
    }

    [Fact]
    public void Refusal_BeatsExtraRequirements_AndAutoApproval()
    {
        var role = Role(autoApprove: true) with
        {
            Hours = Office,
            OutsideHours = OutsideHoursAction.Refuse,
            Risk = RiskRules.None with { LongerThan = TimeSpan.FromHours(1), Action = RiskAction.ApproverStepUp },
        };
        var refused = Assert.IsType<PolicyVerdict.Refused>(Evaluate(role, AtNight, TimeSpan.FromHours(2)));
        Assert.Equal("OutsideHours", refused.Rule.Rule);
        Assert.Contains(refused.Rules, r => r.Rule == "Risk:LongerThan");
    }

    [Fact]
    public void HoursAndRiskTogether_StepUpAndExtraApproval_BothApply()
    {
        var role = Role() with
        {
            Hours = Office,
            OutsideHours = OutsideHoursAction.ApproverStepUp,
            Risk = RiskRules.None with { LongerThan = TimeSpan.FromHours(1), Action = RiskAction.ExtraApproval },
        };
        var verdict = Assert.IsType<PolicyVerdict.Allowed>(Evaluate(role, AtNight, TimeSpan.FromHours(2)));
        Assert.True(verdict.ApproverStepUp);
        Assert.Equal(1, verdict.ExtraApprovals);
    }

    [Fact]
    public void OutsideHoursAcrossTheAutumnChange_UsesWinterTime()
    {
        // Mon 2026-10-26 07:30 UTC is 08:30 CET (inside); the same UTC time a week earlier was 09:30 CEST.
        var role = Role() with { Hours = Office, OutsideHours = OutsideHoursAction.Refuse };
        Assert.IsType<PolicyVerdict.Allowed>(Evaluate(role, DateTimeOffset.Parse("2026-10-26T07:30:00Z", CultureInfo.InvariantCulture)));
        var early = Assert.IsType<PolicyVerdict.Refused>(Evaluate(role, DateTimeOffset.Parse("2026-10-26T06:30:00Z", CultureInfo.InvariantCulture)));
        Assert.Contains("it is now Mon 2026-10-26 07:30 Europe/Berlin", early.Message, StringComparison.Ordinal);
        Assert.Contains("Ask again from Mon 2026-10-26 08:00 Europe/Berlin", early.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, true, false, StepUpRiskAction.Review, StepUpRiskAction.Review)]
    [InlineData(false, true, false, StepUpRiskAction.Block, StepUpRiskAction.Block)]
    [InlineData(false, false, true, StepUpRiskAction.Block, StepUpRiskAction.Mark)] // only NewNetwork is watched, the device was new
    [InlineData(true, false, false, StepUpRiskAction.Review, StepUpRiskAction.Block)] // BlockRiskyStepUp keeps its meaning
    public void StepUpSignals_BlockOrReview_WhenWatched(bool blockRisky, bool watchDevice, bool watchNetwork, StepUpRiskAction onStepUp, StepUpRiskAction expected)
    {
        var role = Role() with { BlockRiskyStepUp = blockRisky, Risk = RiskRules.None with { NewDevice = watchDevice, NewNetwork = watchNetwork, OnStepUp = onStepUp } };
        var (action, rule) = PolicyEvaluation.OnStepUp(role, new StepUpRisk(NewDevice: true, NewNetwork: false));
        Assert.Equal(expected, action);
        Assert.Equal(expected != StepUpRiskAction.Mark, rule is not null);
        Assert.Equal(expected == StepUpRiskAction.Block, StepUpRules.Refuses(role, new StepUpRisk(true, false)));
        Assert.Equal(StepUpRiskAction.Mark, PolicyEvaluation.OnStepUp(role, StepUpRisk.None).Action);
    }

    [Fact]
    public void ApproverStepUp_FromPolicy_MakesApproversConfirm_EvenWhenTheRoleAsksOnlyTheRequester()
    {
        var role = Role();
        var request = new AccessRequest(1, "alice", "prod-db-read", "prod-db", "prod_read", "alice", TimeSpan.FromHours(1), "why", RequestStatus.Pending, SlackChat.Key,
            DateTimeOffset.UnixEpoch, [], null, null, null, null, null);
        Assert.False(StepUpRules.ApproverMustConfirm(role, request));
        Assert.True(StepUpRules.ApproverMustConfirm(role, request with { ApproverStepUp = true }));
        Assert.Equal(2, AccessPolicy.RequiredApprovals(role, request with { ExtraApprovals = 1 }));
    }
}
