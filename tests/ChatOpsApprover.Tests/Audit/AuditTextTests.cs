using ChatOpsApprover.Audit;

namespace ChatOpsApprover.Tests.Audit;

public sealed class AuditTextTests
{
    [Fact]
    public void UnknownEventKinds_AreShownByNameWithAllDetails()
    {
        var record = new AuditRecord(9, DateTimeOffset.UnixEpoch, "stepup.verified", 4, "alice", "web", """{"new_device": "true", "new_network": "false"}""", AuditChain.GenesisHash, AuditChain.GenesisHash);
        Assert.Equal("stepup.verified by alice", AuditText.Headline(record));
        Assert.Equal("new_device: true · new_network: false", AuditText.Details(record));
    }
}
