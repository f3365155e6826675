using ChatOpsApprover.Grants;

namespace ChatOpsApprover.Tests.Grants;

public sealed class RevocationOptionsTests
{
    [Fact]
    public void Defaults_AreValid_WithTwoBatchesInFlight()
    {
        var options = new RevocationOptions();
        Assert.Empty(options.Validate());
        Assert.Equal(2, options.BatchesInFlight);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    public void BatchesInFlight_OutOfRange_IsRefused_NamingTheKey(int batches)
    {
        var error = Assert.Single(new RevocationOptions { BatchesInFlight = batches }.Validate());
        Assert.StartsWith("Revocation:BatchesInFlight:", error, StringComparison.Ordinal);
    }
}
