using ChatOpsApprover.Domain;
using ChatOpsApprover.Grants;

namespace ChatOpsApprover.Tests.Grants;

public sealed class DriftComparisonTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 2, 10, 0, 0, TimeSpan.Zero);

    private static AccessRequest Request(long id, RequestStatus status, string login = "alice", string? receipt = "jit_admin", bool heldOutside = false, DateTimeOffset? cleanup = null) =>
        new(id, "alice", "prod-db-read", "prod-db", "prod_read", login, TimeSpan.FromHours(1), "x", status, ChatPlatform.System, Now, [], Now, Now.AddHours(1), null, null, null)
        {
            GrantSentAt = Now,
            GrantReceipt = receipt,
            HeldOutside = heldOutside,
            CleanupDueAt = cleanup,
        };

    private static FoundAccess Membership(string login, string grantor = "jit_admin") => new(null, "prod_read", login, grantor, $"membership of {login} (granted by {grantor})");

    private static RequestStatus? Nowhere(long id) => null;

    [Fact]
    public void Memberships_EndedOnesFromTheBotsGrantorLinger_OthersAreUnknown_ActiveOnesMissingAreMissing()
    {
        var records = new[] { Request(1, RequestStatus.Expired), Request(2, RequestStatus.Active, login: "carol"), Request(3, RequestStatus.Expired, login: "dave") };
        var found = new[] { Membership("alice"), Membership("dave", grantor: "dba"), Membership("erin") };
        var drift = DriftComparison.Compare(GrantSharing.Membership, records, found, Nowhere);
        Assert.Contains(drift, d => d is { Kind: DriftKind.Lingering, RequestId: 1 });
        Assert.Contains(drift, d => d.Kind == DriftKind.Unknown && d.What.Contains("dave", StringComparison.Ordinal));
        Assert.Contains(drift, d => d.Kind == DriftKind.Unknown && d.What.Contains("erin", StringComparison.Ordinal));
        Assert.Contains(drift, d => d is { Kind: DriftKind.Missing, RequestId: 2 });
        Assert.Equal(4, drift.Count);
    }

    [Fact]
    public void Memberships_HeldOutsideOrBeingCleanedUp_AreNotDrift()
    {
        var records = new[] { Request(1, RequestStatus.Active, heldOutside: true), Request(2, RequestStatus.Failed, login: "carol", cleanup: Now) };
        var found = new[] { Membership("alice", grantor: "dba"), Membership("carol") };
        Assert.Empty(DriftComparison.Compare(GrantSharing.Membership, records, found, Nowhere));
    }

    [Fact]
    public void Memberships_OfAGrantSentButNotYetConfirmed_AreNotDrift_EvenWithAnEndedRequestOfTheSameMembership()
    {
        // The grant's reply was lost and it is being retried: the membership is the in-flight request's, not the ended one's.
        var records = new[] { Request(1, RequestStatus.Expired), Request(2, RequestStatus.Approved, receipt: null) };
        Assert.Empty(DriftComparison.Compare(GrantSharing.Membership, records, [Membership("alice")], Nowhere));
    }

    [Fact]
    public void PerRequestGrants_OfEndedRequestsLinger_OfNoRequestAreUnknown_OlderRequestsAreLookedUp()
    {
        var records = new[] { Request(1, RequestStatus.Expired), Request(2, RequestStatus.Active) };
        var found = new[]
        {
            new FoundAccess(1, "view", "alice", "payments/chatops-approver-1", "RoleBinding payments/chatops-approver-1"),
            new FoundAccess(2, "view", "alice", "payments/chatops-approver-2", "RoleBinding payments/chatops-approver-2"),
            new FoundAccess(7, "view", "alice", "payments/chatops-approver-7", "RoleBinding payments/chatops-approver-7"),
            new FoundAccess(99, "edit", "mallory", "payments/chatops-approver-99", "RoleBinding payments/chatops-approver-99"),
        };
        var drift = DriftComparison.Compare(GrantSharing.Request, records, found, id => id == 7 ? RequestStatus.Revoked : null);
        Assert.Contains(drift, d => d is { Kind: DriftKind.Lingering, RequestId: 1 });
        Assert.Contains(drift, d => d is { Kind: DriftKind.Lingering, RequestId: 7 });
        Assert.Contains(drift, d => d is { Kind: DriftKind.Unknown, RequestId: null } && d.What.Contains("99", StringComparison.Ordinal));
        Assert.Equal(3, drift.Count);
        Assert.Equal(drift.Count, drift.Select(d => d.Key).Distinct().Count());
    }
}
