using ChatOpsApprover.Observability;
using ChatOpsApprover.Requests;
using ChatOpsApprover.StepUp;

namespace ChatOpsApprover.Tests.Observability;

public sealed class ObservabilityOptionsTests
{
    [Fact]
    public void MetricsToken_TooShort_IsRefused_NamingTheKey()
    {
        var error = Assert.Single(new MetricsOptions { Enabled = true, Token = "short" }.Validate());
        Assert.StartsWith("Metrics:Token:", error, StringComparison.Ordinal);
        Assert.Empty(new MetricsOptions { Enabled = true, Token = new string('x', MetricsOptions.MinimumTokenLength) }.Validate());
        Assert.Empty(new MetricsOptions { Enabled = true }.Validate());
    }

    [Theory]
    [InlineData("json", true)]
    [InlineData(" JSON ", true)]
    [InlineData("text", false)]
    public void LogFormat_JsonOrText_AreAccepted(string format, bool json)
    {
        var options = new LogFormat { Format = format };
        Assert.Empty(options.Validate());
        Assert.Equal(json, options.IsJson);
    }

    [Fact]
    public void LogFormat_Unknown_IsRefused_NamingTheKeyAndTheChoices()
    {
        var error = Assert.Single(new LogFormat { Format = "xml" }.Validate());
        Assert.Contains("Logging:Format", error, StringComparison.Ordinal);
        Assert.Contains("json", error, StringComparison.Ordinal);
    }

    [Fact]
    public void LabelValues_AreSnakeCase()
    {
        Assert.Equal("auto_approved_awaiting_second_factor", MetricNames.Of(RequestAccessOutcome.AutoApprovedAwaitingSecondFactor));
        Assert.Equal("sent_to_approvers", MetricNames.Of(RequestAccessOutcome.SentToApprovers));
        Assert.Equal("factor_locked", MetricNames.Of(CodeRefusal.FactorLocked));
    }
}
