using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;

namespace ChatOpsApprover.Grants;

/// <summary>
/// Compares the bot's records with each target (<see cref="IGrantTarget.CheckAsync"/>, <see cref="DriftComparison"/>)
/// and reports each disagreement to the audit log once (<see cref="AuditEvents.AccessDrift"/>, and so to the audit
/// channel). Access the records say has ended is revoked again, as a durable clean-up the revocation sweep does and
/// retries; access the bot never gave is reported and never touched. Durable and idempotent: findings are kept in
/// jit.drift_findings, and one instance checks a target at a time. Run by the recurring Hangfire job and on demand.
/// </summary>
public sealed class DriftReconciler(
    RequestStore store,
    DriftFindingStore findings,
    AuditLog audit,
    GrantTargets targets,
    RevocationSignal revocations,
    TimeProvider time,
    ILogger<DriftReconciler> logger)
{
    /// <summary>How long after its end a request's access is still looked for at targets that can only be asked about known grants.</summary>
    public static readonly TimeSpan Lookback = TimeSpan.FromDays(7);

    /// <summary>Checks every target; returns how many new findings were reported. A target that cannot be checked is logged and tried again next run.</summary>
    public async Task<int> CheckAllAsync(CancellationToken cancellationToken)
    {
        var reported = 0;
        foreach (var target in targets.Names)
        {
            try
            {
                reported += await CheckAsync(target, cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Drift check of target {Target} failed ({Why}); the next run tries again", target, e.Message);
            }
        }

        return reported;
    }

    /// <summary>Checks one target; returns how many new findings were reported (0 while another instance checks it).</summary>
    public async Task<int> CheckAsync(string targetName, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var target = targets.Get(targetName);
        IReadOnlyList<long> revokeAgain;
        List<AuditEntry> entries;
        await using (var connection = await store.DataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            if (!await findings.TryLockAsync(connection, transaction, targetName))
            {
                return 0;
            }

            var records = await store.GivenAtTargetAsync(connection, transaction, targetName, now - Lookback);
            var found = await target.CheckAsync(records.Where(r => r.MayHoldAccessAtTarget).Select(r => TargetGrant.Of(r)).ToList(), cancellationToken);
            var named = found.Select(f => f.RequestId).OfType<long>().Except(records.Select(r => r.Id)).ToArray();
            var statuses = named.Length == 0 ? new Dictionary<long, RequestStatus>() : await store.StatusesAsync(named);
            var drift = DriftComparison.Compare(target.Sharing, records, found, id => statuses.TryGetValue(id, out var status) ? status : null);

            revokeAgain = await store.MarkCleanupDueAsync(connection, transaction, drift.Where(d => d.Kind == DriftKind.Lingering).Select(d => d.RequestId!.Value).Distinct().ToArray(), now);
            var fresh = await findings.RecordAsync(connection, transaction, targetName, drift.Select(d => d.Key).ToArray(), now);
            entries = drift.Where(d => fresh.Contains(d.Key)).Select(d => new AuditEntry(AuditEvents.AccessDrift, d.RequestId, TargetRevoker.SystemActor, ChatPlatform.System, now, new Dictionary<string, string>
            {
                ["target"] = targetName,
                ["kind"] = Name(d.Kind),
                ["found"] = d.What,
                ["action"] = Action(d.Kind),
            })).ToList();
            await audit.AppendManyAsync(connection, transaction, entries);
            await transaction.CommitAsync(cancellationToken);
        }

        if (revokeAgain.Count > 0)
        {
            revocations.Wake();
        }

        return entries.Count;
    }

    private static string Name(DriftKind kind) => kind switch
    {
        DriftKind.Lingering => "lingering",
        DriftKind.Missing => "missing",
        DriftKind.Unknown => "unknown",
    };

    private static string Action(DriftKind kind) => kind switch
    {
        DriftKind.Lingering => "revoked again: the records say this access has ended",
        DriftKind.Missing => "reported: the records say this access is active, but the target does not have it",
        DriftKind.Unknown => "reported only: the bot never gave this access, so it does not touch it",
    };
}
