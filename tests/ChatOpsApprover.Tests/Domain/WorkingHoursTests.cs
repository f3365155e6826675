using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Tests.Domain;

public sealed class WorkingHoursTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static readonly WorkingHours Office = new(
        new HashSet<DayOfWeek> { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday },
        new TimeOnly(8, 0), new TimeOnly(18, 0), Berlin);

    [Theory]
    [InlineData("2026-03-27T06:59:00Z", false)] // Fri 07:59 CET (UTC+1)
    [InlineData("2026-03-27T07:00:00Z", true)] // Fri 08:00 CET
    [InlineData("2026-03-27T16:59:00Z", true)] // Fri 17:59 CET
    [InlineData("2026-03-27T17:00:00Z", false)] // Fri 18:00 CET: the end is not inside
    [InlineData("2026-03-28T10:00:00Z", false)] // Saturday
    [InlineData("2026-03-30T06:00:00Z", true)] // Mon 08:00 CEST (UTC+2): the clocks went forward on Sunday
    [InlineData("2026-03-30T05:59:00Z", false)] // Mon 07:59 CEST
    [InlineData("2026-10-26T06:59:00Z", false)] // Mon 07:59 CET: the clocks went back on Sunday
    [InlineData("2026-10-26T07:00:00Z", true)] // Mon 08:00 CET
    public void Contains_ReadsTheLocalClock_AcrossDaylightSaving(string utc, bool inside) =>
        Assert.Equal(inside, Office.Contains(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void NextStart_OverTheSpringWeekend_IsMonday0800Summertime()
    {
        var friday = DateTimeOffset.Parse("2026-03-27T20:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(DateTimeOffset.Parse("2026-03-30T06:00:00Z", System.Globalization.CultureInfo.InvariantCulture), Office.NextStart(friday));
    }

    [Fact]
    public void NextStart_OverTheAutumnWeekend_IsMonday0800Wintertime()
    {
        var friday = DateTimeOffset.Parse("2026-10-23T20:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(DateTimeOffset.Parse("2026-10-26T07:00:00Z", System.Globalization.CultureInfo.InvariantCulture), Office.NextStart(friday));
    }

    [Fact]
    public void NextStart_ATimeTheClockSkips_StartsWhenTheClockResumes()
    {
        // Sunday 2026-03-29 02:00–03:00 does not exist in Berlin.
        var night = new WorkingHours(new HashSet<DayOfWeek> { DayOfWeek.Sunday }, new TimeOnly(2, 30), new TimeOnly(5, 0), Berlin);
        var saturday = DateTimeOffset.Parse("2026-03-28T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(DateTimeOffset.Parse("2026-03-29T01:00:00Z", System.Globalization.CultureInfo.InvariantCulture), night.NextStart(saturday));
    }

    [Fact]
    public void NextStart_InsideTheHours_IsNow()
    {
        var now = DateTimeOffset.Parse("2026-03-27T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(now, Office.NextStart(now));
    }

    [Fact]
    public void Describe_NamesDaysTimesAndZone() => Assert.Equal("Mon–Fri 08:00–18:00 Europe/Berlin", Office.Describe());
}
