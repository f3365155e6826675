using System.Collections.Concurrent;
using ChatOpsApprover.Grants;

namespace ChatOpsApprover.IntegrationTests.Infrastructure;

/// <summary>Wraps a real target and counts how often each membership was revoked at it, across every instance that shares the counter.</summary>
public sealed class CountingTarget(IGrantTarget inner, ConcurrentDictionary<Membership, int> revocations) : GrantTargetDecorator(inner)
{
    public override async Task<IReadOnlyList<RevokeResult>> RevokeAsync(IReadOnlyList<TargetGrant> grants, CancellationToken cancellationToken)
    {
        var results = await base.RevokeAsync(grants, cancellationToken);
        foreach (var (grant, result) in grants.Zip(results).Where(r => r.Second.Status == RevokeStatus.Revoked))
        {
            revocations.AddOrUpdate(grant.Membership, 1, (_, n) => n + 1);
        }

        return results;
    }
}
