using System.Text;
using System.Text.Json;
using ChatOpsApprover.Chat.Slack;
using Microsoft.Extensions.Time.Testing;

namespace ChatOpsApprover.Tests.Chat.Slack;

public sealed class SlackSignatureVerifierTests
{
    private sealed record Vector(string signing_secret, string timestamp, string body, string expected_signature);

    private static readonly Vector Published = JsonSerializer.Deserialize<Vector>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "slack-signing.json")))!;

    private static SlackSignatureVerifier VerifierAt(long unixSeconds, string? secret = null) =>
        new(secret ?? Published.signing_secret, TimeSpan.FromMinutes(5), new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(unixSeconds)));

    [Fact]
    public void Compute_MatchesSlacksPublishedExample()
    {
        Assert.Equal(Published.expected_signature, SlackSignatureVerifier.Compute(Published.signing_secret, Published.timestamp, Encoding.UTF8.GetBytes(Published.body)));
    }

    [Fact]
    public void IsValid_AcceptsPublishedExample_AtItsTime()
    {
        var verifier = VerifierAt(long.Parse(Published.timestamp) + 10);
        Assert.True(verifier.IsValid(Published.timestamp, Published.expected_signature, Encoding.UTF8.GetBytes(Published.body)));
    }

    [Theory]
    [InlineData(301)]
    [InlineData(-301)]
    public void IsValid_RefusesTimestampsMoreThanFiveMinutesAway(int offsetSeconds)
    {
        var verifier = VerifierAt(long.Parse(Published.timestamp) + offsetSeconds);
        Assert.False(verifier.IsValid(Published.timestamp, Published.expected_signature, Encoding.UTF8.GetBytes(Published.body)));
    }

    [Fact]
    public void IsValid_RefusesAChangedBody()
    {
        var verifier = VerifierAt(long.Parse(Published.timestamp));
        Assert.False(verifier.IsValid(Published.timestamp, Published.expected_signature, Encoding.UTF8.GetBytes(Published.body + "&x=1")));
    }

    [Fact]
    public void IsValid_RefusesEverything_WhenNoSecretIsConfigured()
    {
        var verifier = VerifierAt(long.Parse(Published.timestamp), secret: string.Empty);
        var signature = SlackSignatureVerifier.Compute(string.Empty, Published.timestamp, Encoding.UTF8.GetBytes(Published.body));
        Assert.False(verifier.IsValid(Published.timestamp, signature, Encoding.UTF8.GetBytes(Published.body)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("v0=")]
    [InlineData("v1=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")]
    public void IsValid_RefusesMissingOrMalformedSignatures(string? signature)
    {
        var verifier = VerifierAt(long.Parse(Published.timestamp));
        Assert.False(verifier.IsValid(Published.timestamp, signature, Encoding.UTF8.GetBytes(Published.body)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("-1531420618")]
    public void IsValid_RefusesMalformedTimestamps(string timestamp)
    {
        var verifier = VerifierAt(long.Parse(Published.timestamp));
        Assert.False(verifier.IsValid(timestamp, Published.expected_signature, Encoding.UTF8.GetBytes(Published.body)));
    }
}
