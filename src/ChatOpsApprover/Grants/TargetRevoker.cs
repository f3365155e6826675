using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatOpsApprover.Grants;

/// <summary>
/// Takes access away for locked requests of one target: the step the sweep (<see cref="RevocationSweep"/>) and the
/// revoke command (<see cref="RevokeCommand"/>) share. Active requests end; requests that ended with access possibly
/// left at the target (<see cref="AccessRequest.CleanupDueAt"/>) get it cleaned up. Nothing the bot did not give is
/// taken: access the person held before (<see cref="AccessRequest.HeldOutside"/>), or that another active request still
/// needs (<see cref="GrantSharing.Membership"/>), is kept, and the target keeps what someone else granted meanwhile. A
/// request whose access the target failed to take away keeps its state with a retry time (exponential back-off up to
/// Revocation:MaxRetryDelay), so nothing is lost.
/// </summary>
public sealed class TargetRevoker(RequestStore store, ExtensionStore extensions, GrantTargets targets, IOptions<RevocationOptions> options, ILogger<TargetRevoker> logger)
{
    /// <summary>Who ends a grant when nobody asked: the window ran out.</summary>
    public const string SystemActor = "system";

    /// <summary>
    /// Takes away the access of <paramref name="all"/> (locked, all of one target): active ones end as
    /// <paramref name="to"/>, ended ones with a clean-up due have it done. Returns the ids that ended. Audit entries are
    /// added to <paramref name="entries"/> for the caller to append just before it commits. <paramref name="steps"/>, when
    /// given, times the lock, still-needed, target and status steps.
    /// </summary>
    public async Task<IReadOnlyList<long>> EndAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<AccessRequest> all, RequestStatus to, string actor, ChatPlatform platform, DateTimeOffset now, List<AuditEntry> entries, RevocationStepTimer? steps, CancellationToken cancellationToken)
    {
        var active = all.Where(r => r.Status == RequestStatus.Active).ToList();

        // Asked before the target is touched: a move the lifecycle forbids must not take access away first.
        foreach (var request in active)
        {
            RequestLifecycle.EnsureCanMove(request.Status, to);
        }

        var target = all[0].Target;
        var outcomes = await TakeAwayAsync(connection, transaction, target, all, steps, cancellationToken);
        var failed = all.Where(r => outcomes[r.Id].Status == RevokeStatus.Failed).ToList();
        if (failed.Count > 0)
        {
            logger.LogWarning("Taking access away at target {Target} failed for {Count} request(s) ({Why}); will retry", target, failed.Count, outcomes[failed[0].Id].Detail);
            await ScheduleRetryAsync(connection, transaction, failed, now, target, outcomes, entries);
        }

        var ended = active.Where(r => outcomes[r.Id].Status != RevokeStatus.Failed).ToList();
        if (ended.Count > 0)
        {
            // One round trip for the whole batch, through the lifecycle like every other status change.
            await store.MoveManyAsync(connection, transaction, ended, to, new StatusChange(EndedAt: now, EndedBy: actor));

            // Only rows whose sessions were closed are written again: in a burst, where few logins have sessions, a second
            // UPDATE of every row wrote a second row version of each. A count of 0 is kept in the audit entry.
            await store.RecordSessionsClosedAsync(connection, transaction, ended
                .Where(r => outcomes[r.Id].SessionsClosed is > 0)
                .ToDictionary(r => r.Id, r => outcomes[r.Id].SessionsClosed!.Value));
            var eventName = to == RequestStatus.Expired ? AuditEvents.AccessExpired : AuditEvents.AccessRevoked;
            entries.AddRange(ended.Select(r => new AuditEntry(eventName, r.Id, actor, platform, now, Details(r, outcomes[r.Id]))));

            // An extension still waiting can never be granted now: it lapses with the access, in the same transaction.
            var why = to == RequestStatus.Expired ? "the access expired before it was decided" : "the access was revoked before it was decided";
            foreach (var lapsed in await extensions.LapseAsync(connection, transaction, ended.Select(r => r.Id).ToArray(), now, why))
            {
                var details = ExtensionApprovals.Details(lapsed);
                details["why"] = why;
                entries.Add(new AuditEntry(AuditEvents.ExtensionLapsed, lapsed.RequestId, "policy", ChatPlatform.System, now, details));
            }
        }

        var cleaned = all.Where(r => r.Status != RequestStatus.Active && outcomes[r.Id].Status != RevokeStatus.Failed).ToList();
        if (cleaned.Count > 0)
        {
            await store.CleanedUpAsync(connection, transaction, cleaned.Select(r => r.Id).ToArray());
            entries.AddRange(cleaned.Select(r => new AuditEntry(AuditEvents.AccessLeftoverRevoked, r.Id, SystemActor, ChatPlatform.System, now, Details(r, outcomes[r.Id]))));
        }

        steps?.Lap(RevocationStep.Status);
        return ended.Select(r => r.Id).ToArray();
    }

    /// <summary>What became of each request's access (by id), after asking the target only about what is the bot's to take.</summary>
    private async Task<Dictionary<long, RevokeResult>> TakeAwayAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string targetName, IReadOnlyList<AccessRequest> all, RevocationStepTimer? steps, CancellationToken cancellationToken)
    {
        var target = targets.Get(targetName);
        var outcomes = new Dictionary<long, RevokeResult>();
        var locks = MembershipLock.Command(targetName, all.Select(r => new Membership(r.Grant, r.Login)));
        foreach (var request in all.Where(r => r.HeldOutside))
        {
            outcomes[request.Id] = RevokeResult.Kept("held outside the bot before the request: left as it was");
        }

        var mine = all.Where(r => !r.HeldOutside).ToList();
        if (target.Sharing != GrantSharing.Membership && locks is not null)
        {
            await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { locks } };
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        steps?.Lap(RevocationStep.Lock);
        if (target.Sharing == GrantSharing.Membership)
        {
            // A membership serves every request of its login: it goes only with the last active request that needs it.
            // Asked in the locks' round trip, after them: the answer holds until this transaction ends.
            var stillNeeded = await store.StillNeededAsync(connection, transaction, targetName, all.Select(r => r.Id).ToArray(), mine.Select(r => new Membership(r.Grant, r.Login)).Distinct().ToList(), first: locks);
            foreach (var request in mine.Where(r => stillNeeded.Contains(new Membership(r.Grant, r.Login))))
            {
                outcomes[request.Id] = RevokeResult.Kept("another active request still needs it");
            }

            mine = mine.Where(r => !outcomes.ContainsKey(r.Id)).ToList();
        }

        steps?.Lap(RevocationStep.StillNeeded);

        // Once per grant at the target: requests sharing a membership share its outcome.
        var groups = mine.GroupBy(r => target.Sharing == GrantSharing.Membership ? $"{r.Grant}\u001f{r.Login}" : r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var grants = groups.Select(g => TargetGrant.Of(g.OrderByDescending(r => r.GrantReceipt is not null).First())).ToList();
        IReadOnlyList<RevokeResult> results;
        try
        {
            results = grants.Count == 0 ? [] : await target.RevokeAsync(grants, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Target {Target} could not be asked to take {Count} grant(s) away: {Why}", targetName, grants.Count, e.Message);
            results = grants.Select(_ => RevokeResult.Failed($"{e.GetType().Name}: {e.Message}")).ToArray();
        }

        steps?.Lap(RevocationStep.Target);

        foreach (var (group, result) in groups.Zip(results))
        {
            foreach (var request in group)
            {
                outcomes[request.Id] = result;
            }
        }

        return outcomes;
    }

    private static Dictionary<string, string> Details(AccessRequest request, RevokeResult outcome)
    {
        var details = new Dictionary<string, string>
        {
            ["target"] = request.Target,
            ["grant"] = request.Grant,
            ["login"] = request.Login,
            ["membership"] = outcome.Status == RevokeStatus.Kept ? $"kept: {outcome.Detail}" : "revoked at target",
        };
        if (outcome.SessionsClosed is { } sessions)
        {
            details["sessions_closed"] = sessions.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return details;
    }

    private async Task ScheduleRetryAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<AccessRequest> requests, DateTimeOffset now, string target, Dictionary<long, RevokeResult> outcomes, List<AuditEntry> entries)
    {
        var attempts = await store.ScheduleRevokeRetryAsync(connection, transaction, requests.Select(r => r.Id).ToArray(), now, options.Value.MaxRetryDelay);

        // One entry per request when its revocation first fails (and so one alert in the audit channel), not one per
        // retry: a target down for an hour must not bury the channel. The attempt count stays on the row.
        entries.AddRange(requests.Where(r => attempts.GetValueOrDefault(r.Id) == 1).Select(request => new AuditEntry(AuditEvents.RevokeFailed, request.Id, SystemActor, ChatPlatform.System, now, new Dictionary<string, string>
        {
            ["target"] = target,
            ["error"] = outcomes[request.Id].Detail ?? "unknown",
            ["access"] = request.Status == RequestStatus.Active ? "active grant" : "left at the target by a request that never became active",
        })));
    }
}
