using ChatOpsApprover.Chat.Slack;
using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Tests.Domain;

public sealed class ShorterDurationsTests
{
    [Theory]
    [InlineData("00:15:00", "")]
    [InlineData("00:20:00", "00:15:00")]
    [InlineData("02:00:00", "00:15:00,00:30:00,01:00:00")]
    [InlineData("1.00:00:00", "00:15:00,00:30:00,01:00:00,02:00:00,04:00:00,08:00:00,12:00:00")]
    public void TheStepsOffered_AreStrictlyBelowWhatWasAsked(string asked, string offered) =>
        Assert.Equal(offered, string.Join(",", ShorterDurations.Below(TimeSpan.Parse(asked, System.Globalization.CultureInfo.InvariantCulture)).Select(d => d.ToString("c", System.Globalization.CultureInfo.InvariantCulture))));

    [Fact]
    public void OnlyOfferedSteps_AreAccepted()
    {
        Assert.True(ShorterDurations.IsOffered(TimeSpan.FromHours(2), TimeSpan.FromHours(1)));
        Assert.False(ShorterDurations.IsOffered(TimeSpan.FromHours(2), TimeSpan.FromHours(2)));
        Assert.False(ShorterDurations.IsOffered(TimeSpan.FromHours(2), TimeSpan.FromMinutes(45)));
        Assert.False(ShorterDurations.IsOffered(TimeSpan.FromHours(2), TimeSpan.Zero));
    }

    [Fact]
    public void TheShortestApprovedDurationStands_AndDenialsOrPlainApprovalsDoNotShortenIt()
    {
        var request = new AccessRequest(1, "alice", "r", "t", "g", "l", TimeSpan.FromHours(2), "why", RequestStatus.Pending, SlackChat.Key, DateTimeOffset.UnixEpoch, [], null, null, null, null, null);
        Assert.Equal(TimeSpan.FromHours(2), request.ApprovedDuration);
        Assert.Equal(TimeSpan.FromHours(2), (request with { Decisions = [new Decision("bob", true, DateTimeOffset.UnixEpoch, SlackChat.Key)] }).ApprovedDuration);
        Assert.Equal(TimeSpan.FromMinutes(30), (request with
        {
            Decisions = [new Decision("bob", true, DateTimeOffset.UnixEpoch, SlackChat.Key, Duration: TimeSpan.FromMinutes(30)), new Decision("dave", true, DateTimeOffset.UnixEpoch, SlackChat.Key, Duration: TimeSpan.FromHours(1))],
        }).ApprovedDuration);
    }
}
