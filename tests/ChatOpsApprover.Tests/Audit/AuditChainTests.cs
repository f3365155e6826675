using ChatOpsApprover.Audit;

namespace ChatOpsApprover.Tests.Audit;

/// <summary>The canonical form is a contract with auditors: these vectors were computed independently (README shows the recipe).</summary>
public sealed class AuditChainTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 2, 10, 15, 30, 123, 456, TimeSpan.Zero);

    [Fact]
    public void Canonical_IsSortedCompactJson_AndItsHashMatchesAnIndependentComputation()
    {
        var details = new Dictionary<string, string> { ["role"] = "prod-db-read", ["duration"] = "2h", ["reason"] = "fix INC-1234" };
        var canonical = AuditChain.Canonical(1, At, "request.created", 7, "alice", "slack", details, AuditChain.GenesisHash);

        Assert.Equal(
            """{"actor":"alice","at":"2026-11-02T10:15:30.123456Z","details":{"duration":"2h","reason":"fix INC-1234","role":"prod-db-read"},"event":"request.created","id":1,"platform":"slack","prev_hash":"0000000000000000000000000000000000000000000000000000000000000000","request_id":7}""",
            canonical);
        Assert.Equal("92a88d9e94c4d2f9b63e14fc811a2e8c245c8d8ae2405271c3fc65c14f56e1cb", AuditChain.Hash(canonical));
    }

    [Fact]
    public void Canonical_EscapesOnlyQuotesBackslashesAndControlCharacters()
    {
        var details = new Dictionary<string, string> { ["role"] = "prod-db-read", ["duration"] = "2h", ["reason"] = "fix \"INC-1234\", café\n\u0001 ✓ 😀" };
        var canonical = AuditChain.Canonical(1, At, "request.created", 7, "alice", "slack", details, AuditChain.GenesisHash);

        Assert.Contains("\"reason\":\"fix \\\"INC-1234\\\", café\\n\\u0001 ✓ 😀\"", canonical, StringComparison.Ordinal);
        Assert.Equal("7c360b17413fd8050aff75ddce83714165e67a74e3eb743c4365c624d210aeeb", AuditChain.Hash(canonical));
    }

    [Fact]
    public void StoredRecord_HashesTheSameAsTheEntryThatWasWritten()
    {
        var details = new Dictionary<string, string> { ["b"] = "2", ["a"] = "x\"y" };
        var written = AuditChain.Hash(AuditChain.Canonical(5, At, "grant.succeeded", null, "system", "system", details, AuditChain.GenesisHash));

        // jsonb gives keys back in its own order and with spaces.
        var stored = new AuditRecord(5, At, "grant.succeeded", null, "system", "system", """{"a": "x\"y", "b": "2"}""", AuditChain.GenesisHash, written);
        Assert.Equal(written, stored.ComputeHash());
        Assert.NotEqual(written, (stored with { Actor = "mallory" }).ComputeHash());
        Assert.NotEqual(written, (stored with { Id = 6 }).ComputeHash());
        Assert.NotEqual(written, (stored with { At = At.AddTicks(10) }).ComputeHash());
        Assert.NotEqual(written, (stored with { DetailsJson = """{"a": "x\"y", "b": "3"}""" }).ComputeHash());
    }

    [Fact]
    public void Normalize_CutsToMicroseconds_InUtc()
    {
        var precise = new DateTimeOffset(2026, 11, 2, 12, 15, 30, TimeSpan.FromHours(2)).AddTicks(1_234_567);
        var normalized = AuditChain.Normalize(precise);
        Assert.Equal(TimeSpan.Zero, normalized.Offset);
        Assert.Equal("2026-11-02T10:15:30.123456Z", AuditChain.FormatTime(normalized));
    }
}
