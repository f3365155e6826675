using System.Collections.Concurrent;
using ChatOpsApprover.Grants;

namespace ChatOpsApprover.IntegrationTests.Infrastructure;

/// <summary>Wraps a real target and counts how often each membership was revoked at it, across every instance that shares the counter.</summary>
public sealed class CountingTarget(IGrantTarget inner, ConcurrentDictionary<Membership, int> revocations) : IGrantTarget
{
    public Task GrantAsync(Membership membership, CancellationToken cancellationToken) => inner.GrantAsync(membership, cancellationToken);

    public async Task RevokeAsync(IReadOnlyCollection<Membership> memberships, CancellationToken cancellationToken)
    {
        await inner.RevokeAsync(memberships, cancellationToken);
        foreach (var membership in memberships)
        {
            revocations.AddOrUpdate(membership, 1, (_, n) => n + 1);
        }
    }
}
