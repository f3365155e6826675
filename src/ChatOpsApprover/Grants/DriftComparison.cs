using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Grants;

/// <summary>
/// Compares what a target holds with what the bot's records say it gave (no I/O). Access being given (a grant sent,
/// not yet confirmed) or cleaned up is the bot's own business, not drift; access the person held outside the bot is theirs.
/// </summary>
public static class DriftComparison
{
    /// <param name="records">Requests that may have been given access at the target: active, being granted, recently ended, or being cleaned up.</param>
    /// <param name="found">What the target holds.</param>
    /// <param name="statusOf">The status of a request the target names but <paramref name="records"/> does not hold (null: no such request).</param>
    public static IReadOnlyList<DriftFinding> Compare(GrantSharing sharing, IReadOnlyList<AccessRequest> records, IReadOnlyList<FoundAccess> found, Func<long, RequestStatus?> statusOf) => sharing switch
    {
        GrantSharing.Membership => CompareMemberships(records, found),
        GrantSharing.Request => CompareRequests(records, found, statusOf),
    };

    private static List<DriftFinding> CompareMemberships(IReadOnlyList<AccessRequest> records, IReadOnlyList<FoundAccess> found)
    {
        var findings = new List<DriftFinding>();
        static Membership Of(AccessRequest r) => new(r.Grant, r.Login);
        var active = records.Where(r => r.Status == RequestStatus.Active || BeingGranted(r)).Select(Of).ToHashSet();
        var cleaningUp = records.Where(r => r.CleanupDueAt is not null).Select(Of).ToHashSet();
        var held = found.Select(f => new Membership(f.Grant, f.Login)).ToHashSet();
        foreach (var access in found)
        {
            var membership = new Membership(access.Grant, access.Login);
            if (active.Contains(membership) || cleaningUp.Contains(membership))
            {
                continue;
            }

            // The bot gave it if an ended request of it went through the bot, from the grantor that request recorded.
            var given = records
                .Where(r => RequestLifecycle.IsTerminal(r.Status) && r.MayHoldAccessAtTarget && Of(r) == membership && (r.GrantReceipt is null || r.GrantReceipt == access.Receipt))
                .MaxBy(r => r.Id);
            findings.Add(given is null
                ? new DriftFinding(DriftKind.Unknown, $"unknown:{access.Name}", null, access.Name)
                : new DriftFinding(DriftKind.Lingering, $"lingering:{access.Name}", given.Id, access.Name));
        }

        findings.AddRange(records
            .Where(r => r.Status == RequestStatus.Active && !r.HeldOutside && !held.Contains(Of(r)))
            .Select(r => new DriftFinding(DriftKind.Missing, $"missing:{r.Id}", r.Id, $"membership of {r.Login} in {r.Grant}")));
        return findings;
    }

    private static List<DriftFinding> CompareRequests(IReadOnlyList<AccessRequest> records, IReadOnlyList<FoundAccess> found, Func<long, RequestStatus?> statusOf)
    {
        var findings = new List<DriftFinding>();
        var byId = records.ToDictionary(r => r.Id);
        foreach (var access in found)
        {
            var record = access.RequestId is { } id ? byId.GetValueOrDefault(id) : null;
            var status = record?.Status ?? (access.RequestId is { } other ? statusOf(other) : null);
            if (status is null)
            {
                findings.Add(new DriftFinding(DriftKind.Unknown, $"unknown:{access.Name}", null, access.Name));
            }
            else if (RequestLifecycle.IsTerminal(status.Value) && record?.CleanupDueAt is null)
            {
                findings.Add(new DriftFinding(DriftKind.Lingering, $"lingering:{access.Name}", access.RequestId, access.Name));
            }
        }

        var present = found.Select(f => f.RequestId).OfType<long>().ToHashSet();
        findings.AddRange(records
            .Where(r => r.Status == RequestStatus.Active && r.MayHoldAccessAtTarget && !present.Contains(r.Id))
            .Select(r => new DriftFinding(DriftKind.Missing, $"missing:{r.Id}", r.Id, $"the grant of request #{r.Id} ({r.Grant} for {r.Login})")));
        return findings;
    }

    /// <summary>A grant sent whose success is not recorded yet (in flight, or its reply lost and being retried): it may be at the target already.</summary>
    private static bool BeingGranted(AccessRequest request) => request.Status == RequestStatus.Approved && request.GrantSentAt is not null;
}
