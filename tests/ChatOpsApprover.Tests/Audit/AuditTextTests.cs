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

    [Fact]
    public void AnExtension_MovesTheStatusToTheNewEnd_AndHasItsOwnLabel()
    {
        AuditRecord Entry(long id, string @event, string details) => new(id, DateTimeOffset.UnixEpoch, @event, 4, "alice", "slack", details, AuditChain.GenesisHash, AuditChain.GenesisHash);
        var timeline = new AuditTimeline(4, null,
        [
            Entry(1, "grant.succeeded", """{"ends_at": "2026-11-02T12:00:00.0000000+00:00"}"""),
            Entry(2, "access.extended", """{"ends_at": "2026-11-02T13:00:00.0000000+00:00", "by": "1h"}"""),
        ]);
        Assert.Equal("Active until 2026-11-02 13:00:00 UTC", AuditText.Status(timeline));
        Assert.Equal("Access extended by alice", AuditText.Headline(timeline.Events[1]));
    }
}
