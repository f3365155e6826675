using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatOpsApprover.Grants;

/// <summary>
/// Ends locked active requests of one target: the step the expiry sweep (<see cref="RevocationSweep"/>) and the
/// revoke command (<see cref="RevokeCommand"/>) share. A membership is revoked at the target only when no other
/// active request still needs it; a request whose membership the target failed to revoke stays active with a retry
/// time (exponential back-off up to Revocation:MaxRetryDelay), so nothing is lost.
/// </summary>
public sealed class TargetRevoker(RequestStore store, GrantTargets targets, IOptions<RevocationOptions> options, ILogger<TargetRevoker> logger)
{
    /// <summary>Who ends a grant when nobody asked: the window ran out.</summary>
    public const string SystemActor = "system";

    /// <summary>
    /// Ends <paramref name="all"/> (locked, active, all of one target) as <paramref name="to"/> and returns the ids that
    /// ended. Audit entries are added to <paramref name="entries"/> for the caller to append just before it commits.
    /// </summary>
    public async Task<IReadOnlyList<long>> EndAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<AccessRequest> all, RequestStatus to, string actor, ChatPlatform platform, DateTimeOffset now, List<AuditEntry> entries, CancellationToken cancellationToken)
    {
        // Asked before the target is touched: a move the lifecycle forbids must not take access away first.
        foreach (var request in all)
        {
            RequestLifecycle.EnsureCanMove(request.Status, to);
        }

        var target = all[0].Target;
        var memberships = all.Select(r => new Membership(r.Grant, r.Login)).Distinct().ToList();
        await MembershipLock.AcquireAsync(connection, transaction, target, memberships);
        var stillNeeded = await store.StillNeededAsync(connection, transaction, target, all.Select(r => r.Id).ToArray(), memberships);
        var toRevoke = memberships.Where(m => !stillNeeded.Contains(m)).ToList();
        var requests = all;
        try
        {
            await targets.Get(target).RevokeAsync(toRevoke, cancellationToken);
        }
        catch (PartialRevocationException e)
        {
            logger.LogError(e, "Revoking {Count} membership(s) at target {Target} failed; will retry them", e.Failed.Count, target);
            var failed = all.Where(r => e.Failed.Contains(new Membership(r.Grant, r.Login))).ToList();
            await ScheduleRetryAsync(connection, transaction, failed, now, target, e.InnerException?.GetType().Name ?? e.GetType().Name, entries);
            requests = all.Except(failed).ToList();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Revoking {Count} membership(s) at target {Target} failed; will retry", toRevoke.Count, target);
            await ScheduleRetryAsync(connection, transaction, all, now, target, e.GetType().Name, entries);
            return [];
        }

        if (requests.Count == 0)
        {
            return [];
        }

        // One round trip for the whole batch, through the lifecycle like every other status change.
        await store.MoveManyAsync(connection, transaction, requests, to, new StatusChange(EndedAt: now, EndedBy: actor));
        var eventName = to == RequestStatus.Expired ? AuditEvents.AccessExpired : AuditEvents.AccessRevoked;
        entries.AddRange(requests.Select(request => new AuditEntry(eventName, request.Id, actor, platform, now, new Dictionary<string, string>
        {
            ["target"] = request.Target,
            ["grant"] = request.Grant,
            ["login"] = request.Login,
            ["membership"] = stillNeeded.Contains(new Membership(request.Grant, request.Login)) ? "kept: another active request still needs it" : "revoked at target",
        })));

        return requests.Select(r => r.Id).ToArray();
    }

    private async Task ScheduleRetryAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<AccessRequest> requests, DateTimeOffset now, string target, string error, List<AuditEntry> entries)
    {
        var attempts = await store.ScheduleRevokeRetryAsync(connection, transaction, requests.Select(r => r.Id).ToArray(), now, options.Value.MaxRetryDelay);

        // One entry per request when its revocation first fails (and so one alert in the audit channel), not one per
        // retry: a target down for an hour must not bury the channel. The attempt count stays on the row.
        entries.AddRange(requests.Where(r => attempts.GetValueOrDefault(r.Id) == 1).Select(request => new AuditEntry(AuditEvents.RevokeFailed, request.Id, SystemActor, ChatPlatform.System, now, new Dictionary<string, string>
        {
            ["target"] = target,
            ["error"] = error,
        })));
    }
}
