using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Tests.Domain;

public sealed class JitCommandParserTests
{
    [Fact]
    public void Request_WithRoleDurationAndReason_IsParsed()
    {
        var command = Assert.IsType<JitCommand.Request>(JitCommandParser.Parse("request prod-db-read 2h fix INC-1234 now"));
        Assert.Equal("prod-db-read", command.Role);
        Assert.Equal(TimeSpan.FromHours(2), command.Duration);
        Assert.Equal("fix INC-1234 now", command.Reason);
    }

    [Theory]
    [InlineData("30m", 30)]
    [InlineData("2h", 120)]
    [InlineData("1h30m", 90)]
    [InlineData("90m", 90)]
    [InlineData("1H5M", 65)]
    public void Durations_AreParsed(string text, int minutes)
    {
        Assert.True(DurationText.TryParse(text, out var duration, out _));
        Assert.Equal(TimeSpan.FromMinutes(minutes), duration);
    }

    [Theory]
    [InlineData("0m")]
    [InlineData("2")]
    [InlineData("h")]
    [InlineData("2d")]
    [InlineData("-1h")]
    [InlineData("1.5h")]
    [InlineData("30m1h")]
    [InlineData("")]
    public void BadDurations_AreRefused_WithAnExample(string text)
    {
        Assert.False(DurationText.TryParse(text, out _, out var error));
        Assert.Contains("30m", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("request", "Which role?")]
    [InlineData("request prod-db-read", "How long?")]
    [InlineData("request prod-db-read 2h", "A reason is required")]
    [InlineData("request prod-db-read soon because", "is not a duration")]
    [InlineData("revoke", "jit revoke <id>")]
    [InlineData("revoke abc", "jit revoke <id>")]
    [InlineData("revoke 0", "jit revoke <id>")]
    [InlineData("extend", "jit extend <id> <duration>")]
    [InlineData("extend 42", "jit extend <id> <duration>")]
    [InlineData("extend abc 1h", "jit extend <id> <duration>")]
    [InlineData("extend 42 later", "is not a duration")]
    [InlineData("extend 42 1h please", "jit extend <id> <duration>")]
    [InlineData("list now", "takes no arguments")]
    [InlineData("frobnicate", "is not a jit command")]
    public void MalformedInput_SaysWhatIsWrongAndHowToWriteIt(string text, string expected)
    {
        var invalid = Assert.IsType<JitCommand.Invalid>(JitCommandParser.Parse(text));
        Assert.Contains(expected, invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LongReason_IsRefused()
    {
        var invalid = Assert.IsType<JitCommand.Invalid>(JitCommandParser.Parse("request r 1h " + new string('x', JitCommandParser.MaxReasonLength + 1)));
        Assert.Contains("reason", invalid.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("help")]
    public void Help_IsTheDefault(string? text) => Assert.IsType<JitCommand.Help>(JitCommandParser.Parse(text));

    [Theory]
    [InlineData("revoke 42", 42)]
    [InlineData("revoke #7", 7)]
    public void Revoke_TakesAnId(string text, long id) => Assert.Equal(id, Assert.IsType<JitCommand.Revoke>(JitCommandParser.Parse(text)).RequestId);

    [Fact]
    public void Extend_TakesAnIdAndADuration() =>
        Assert.Equal(new JitCommand.Extend(42, TimeSpan.FromMinutes(90)), JitCommandParser.Parse("extend #42 1h30m"));

    [Theory]
    [InlineData(90, "1h30m")]
    [InlineData(120, "2h")]
    [InlineData(45, "45m")]
    public void Durations_AreFormattedTheWayTheyAreTyped(int minutes, string text) => Assert.Equal(text, DurationText.Format(TimeSpan.FromMinutes(minutes)));
}
