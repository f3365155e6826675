using ChatOpsApprover.Chat.Slack;
using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Tests.Domain;

public sealed class ExtensionRulesTests
{
    private static readonly DateTimeOffset Granted = new(2026, 11, 2, 10, 0, 0, TimeSpan.Zero);

    private static readonly RoleDefinition Role = new("prod-db-read", "", "prod-db", "g", TimeSpan.FromHours(4), ["bob"], 1, false, new Dictionary<ChatPlatform, string>())
    {
        Extend = new ExtensionPolicy(TimeSpan.FromHours(8), RequiresApproval: true),
    };

    /// <summary>alice's request, active for 2h from 10:00.</summary>
    private static readonly AccessRequest Active = new(
        7, "alice", "prod-db-read", "prod-db", "g", "l", TimeSpan.FromHours(2), "why", RequestStatus.Active, SlackChat.Key, Granted, [], Granted, Granted.AddHours(2), null, null, null);

    private static DateTimeOffset At(int hour, int minute = 0) => Granted.Date.AddHours(hour).AddMinutes(minute);

    [Fact]
    public void TheRequester_MayExtendTheirActiveRequest_UpToMaxTotalFromTheStart()
    {
        Assert.Equal(ExtensionCheck.Allowed, ExtensionRules.Check(Active, Role, "alice", TimeSpan.FromHours(6), At(11, 50)));
        Assert.Equal(ExtensionCheck.OverLimit, ExtensionRules.Check(Active, Role, "alice", TimeSpan.FromHours(6) + TimeSpan.FromMinutes(1), At(11, 50)));
        Assert.Equal(TimeSpan.FromHours(6), ExtensionRules.Remaining(Active, Role));

        // Once extended to 8h in total, nothing more fits.
        var extended = Active with { EndsAt = Granted.AddHours(8) };
        Assert.Equal(TimeSpan.Zero, ExtensionRules.Remaining(extended, Role));
        Assert.Equal(ExtensionCheck.OverLimit, ExtensionRules.Check(extended, Role, "alice", TimeSpan.FromMinutes(15), At(17, 50)));
        Assert.Empty(ExtensionRules.Choices(extended, Role));
    }

    [Fact]
    public void ABreakGlassUse_IsNeverExtendedPastTheBreakGlassMaximum()
    {
        var breakGlassRole = Role with { BreakGlass = new BreakGlassRule(TimeSpan.FromHours(3)) };
        var used = Active with { BreakGlass = true };

        // 2h granted, break-glass allows 3h in all: 1h more fits, a minute beyond does not (Extend alone would allow 6h).
        Assert.Equal(TimeSpan.FromHours(1), ExtensionRules.Remaining(used, breakGlassRole));
        Assert.Equal(ExtensionCheck.Allowed, ExtensionRules.Check(used, breakGlassRole, "alice", TimeSpan.FromHours(1), At(11, 50)));
        Assert.Equal(ExtensionCheck.OverLimit, ExtensionRules.Check(used, breakGlassRole, "alice", TimeSpan.FromMinutes(61), At(11, 50)));

        // A role whose break-glass was switched off since lets such a use grow no further.
        Assert.Equal(ExtensionCheck.OverLimit, ExtensionRules.Check(used, Role, "alice", TimeSpan.FromMinutes(15), At(11, 50)));

        // An ordinary request of the same role keeps Extend's maximum.
        Assert.Equal(TimeSpan.FromHours(6), ExtensionRules.Remaining(Active, breakGlassRole));
    }

    [Fact]
    public void SomeoneElse_OrAMissingRequest_GetTheSameAnswer()
    {
        Assert.Equal(ExtensionCheck.NotYours, ExtensionRules.Check(Active, Role, "bob", TimeSpan.FromHours(1), At(11)));
        Assert.Equal(ExtensionCheck.NotYours, ExtensionRules.Check(null, Role, "alice", TimeSpan.FromHours(1), At(11)));
    }

    [Fact]
    public void ARoleWithoutExtend_IsRefused()
    {
        Assert.Equal(ExtensionCheck.NotExtendable, ExtensionRules.Check(Active, Role with { Extend = null }, "alice", TimeSpan.FromHours(1), At(11)));
        Assert.Equal(ExtensionCheck.NotExtendable, ExtensionRules.Check(Active, null, "alice", TimeSpan.FromHours(1), At(11)));
        Assert.Empty(ExtensionRules.Choices(Active, Role with { Extend = null }));
    }

    [Theory]
    [InlineData(RequestStatus.Pending)]
    [InlineData(RequestStatus.Approved)]
    [InlineData(RequestStatus.Expired)]
    [InlineData(RequestStatus.Revoked)]
    [InlineData(RequestStatus.Denied)]
    public void ARequestThatIsNotActive_IsRefused(RequestStatus status) =>
        Assert.Equal(ExtensionCheck.NotActive, ExtensionRules.Check(Active with { Status = status }, Role, "alice", TimeSpan.FromHours(1), At(11)));

    [Fact]
    public void AfterTheEnd_EvenBeforeTheRevocationRan_NothingIsExtended()
    {
        Assert.Equal(ExtensionCheck.Ended, ExtensionRules.Check(Active, Role, "alice", TimeSpan.FromHours(1), At(12)));
        Assert.Equal(ExtensionCheck.Ended, ExtensionRules.Check(Active, Role, "alice", TimeSpan.FromHours(1), At(12, 1)));
    }

    [Fact]
    public void ZeroOrNegative_IsOverTheLimit() =>
        Assert.Equal(ExtensionCheck.OverLimit, ExtensionRules.Check(Active, Role, "alice", TimeSpan.Zero, At(11)));

    [Theory]
    [InlineData("08:00:00", "00:15:00,00:30:00,01:00:00,02:00:00,04:00:00")]
    [InlineData("02:20:00", "00:15:00")]
    [InlineData("02:10:00", "")]
    [InlineData("03:00:00", "00:15:00,00:30:00,01:00:00")]
    public void TheChoicesOffered_FitWhatRemains(string maxTotal, string offered)
    {
        var role = Role with { Extend = new ExtensionPolicy(TimeSpan.Parse(maxTotal, System.Globalization.CultureInfo.InvariantCulture), false) };
        Assert.Equal(offered, string.Join(",", ExtensionRules.Choices(Active, role).Select(d => d.ToString("c", System.Globalization.CultureInfo.InvariantCulture))));
    }

    [Fact]
    public void TheEndReminder_IsTenMinutesBeforeTheEnd_AndNoneForAShorterWindow()
    {
        Assert.Equal(At(11, 50), EndReminder.DueAt(Granted, Granted.AddHours(2)));
        Assert.Null(EndReminder.DueAt(Granted, Granted.AddMinutes(10)));
        Assert.Null(EndReminder.DueAt(Granted, Granted.AddMinutes(5)));
        Assert.Equal(Granted.AddMinutes(1), EndReminder.DueAt(Granted, Granted.AddMinutes(11)));
    }
}
