using ChatOpsApprover.Domain;
using ChatOpsApprover.Jobs;
using ChatOpsApprover.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatOpsApprover.Grants;

public enum RevokeOutcome
{
    Revoked,
    Withdrawn,
    NotFound,
    NotAllowed,
    AlreadyEnded,
    TargetUnavailable,
}

/// <summary>
/// Takes access away: when a window ends (<see cref="RevokeDueAsync"/>) or when someone ends it early.
/// Our own table is the source of truth; rows are claimed with SKIP LOCKED so several instances share the work and
/// each grant is revoked once. A target that fails keeps its rows active with a retry time, so nothing is lost.
/// </summary>
public sealed class Revoker(
    RequestStore store,
    AuditLog audit,
    GrantTargets targets,
    ChatNotifications notifications,
    TimeProvider time,
    IOptions<RevocationOptions> options,
    ILogger<Revoker> logger)
{
    private const string SystemActor = "system";

    /// <summary>Revokes every grant whose window has ended; returns how many ended.</summary>
    public async Task<int> RevokeDueAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var ended = new List<long>();
            var entries = new List<AuditEntry>();
            int claimed;
            await using (var connection = await store.DataSource.OpenConnectionAsync(cancellationToken))
            await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
            {
                var due = await ClaimDueAsync(connection, transaction, now);
                claimed = due.Count;

                // Every membership of the batch, across targets, is locked in one sorted step before any target call.
                await MembershipLock.AcquireAsync(connection, transaction, due.Select(r => (r.Target, new Membership(r.Grant, r.Login))));
                foreach (var group in due.GroupBy(r => r.Target, StringComparer.Ordinal))
                {
                    ended.AddRange(await EndLockedAsync(connection, transaction, group.ToList(), RequestStatus.Expired, SystemActor, ChatPlatform.System, now, entries, cancellationToken));
                }

                // Last, after every target call: the audit chain's lock is held only from here to the commit.
                await audit.AppendManyAsync(connection, transaction, entries);
                await transaction.CommitAsync(cancellationToken);
            }

            // Chat is told after the commit, through a job: a slow chat API never holds a revocation.
            notifications.RequestsChanged(ended);
            total += ended.Count;
            if (claimed < options.Value.BatchSize)
            {
                break;
            }
        }

        return total;
    }

    /// <summary>When the next grant falls due (window end or retry), or null when none is active.</summary>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken)
    {
        await using var command = store.DataSource.CreateCommand(
            "SELECT min(greatest(ends_at, coalesce(revoke_retry_at, ends_at))) FROM jit.access_requests WHERE status = 'active'");
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DateTime at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null;
    }

    /// <summary>Ends one request now, on behalf of <paramref name="actor"/>.</summary>
    public async Task<(RevokeOutcome Outcome, AccessRequest? Request)> RevokeNowAsync(long requestId, Person actor, ChatPlatform platform, AccessDirectory directory, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await store.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var request = await store.FindAsync(connection, transaction, requestId, forUpdate: true);
        if (request is null)
        {
            return (RevokeOutcome.NotFound, null);
        }

        if (!AccessPolicy.MayRevoke(request, directory.FindRole(request.RoleName), actor))
        {
            return (RevokeOutcome.NotAllowed, request);
        }

        if (RequestLifecycle.IsTerminal(request.Status))
        {
            return (RevokeOutcome.AlreadyEnded, request);
        }

        var outcome = RevokeOutcome.Revoked;
        var entries = new List<AuditEntry>();
        if (request.Status == RequestStatus.Active)
        {
            if ((await EndLockedAsync(connection, transaction, [request], RequestStatus.Revoked, actor.Id, platform, now, entries, cancellationToken)).Count == 0)
            {
                // The sweeper retries from now on, with back-off, until the target answers.
                await using var hurry = new NpgsqlCommand("UPDATE jit.access_requests SET ends_at = least(ends_at, @now) WHERE id = @id", connection, transaction);
                hurry.Parameters.AddWithValue("now", now);
                hurry.Parameters.AddWithValue("id", request.Id);
                await hurry.ExecuteNonQueryAsync(cancellationToken);
                outcome = RevokeOutcome.TargetUnavailable;
            }
        }
        else
        {
            await store.MoveAsync(connection, transaction, request, RequestStatus.Revoked, new StatusChange(EndedAt: now, EndedBy: actor.Id));
            entries.Add(new AuditEntry(AuditEvents.RequestWithdrawn, request.Id, actor.Id, platform, now));
            outcome = RevokeOutcome.Withdrawn;
        }

        await audit.AppendManyAsync(connection, transaction, entries);
        await transaction.CommitAsync(cancellationToken);
        if (outcome != RevokeOutcome.TargetUnavailable)
        {
            notifications.RequestsChanged([request.Id]);
        }

        return (outcome, await store.FindAsync(request.Id));
    }

    /// <summary>
    /// For a locked request that will never be active (its grant failed, or its approval lapsed): a grant attempt may
    /// have reached the target before its transaction failed, so take that membership away unless another active
    /// request needs it. Returns what the audit entry should say about it.
    /// </summary>
    public async Task<string> RemoveLeftoverAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AccessRequest request, CancellationToken cancellationToken)
    {
        var membership = new Membership(request.Grant, request.Login);
        await MembershipLock.AcquireAsync(connection, transaction, request.Target, [membership]);
        if ((await StillNeededAsync(connection, transaction, request.Target, [request.Id], [membership])).Count > 0)
        {
            return "kept: another active request needs it";
        }

        try
        {
            await targets.Get(request.Target).RevokeAsync([membership], cancellationToken);
            return "none left at target";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Could not make sure request {RequestId} left no membership at target {Target}", request.Id, request.Target);
            return $"could not be checked ({e.GetType().Name}): verify at the target";
        }
    }

    private async Task<List<AccessRequest>> ClaimDueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DateTimeOffset now)
    {
        await using var command = new NpgsqlCommand(
            $"""
            SELECT {RequestStore.Columns}
            FROM jit.access_requests
            WHERE status = 'active' AND ends_at <= @now AND (revoke_retry_at IS NULL OR revoke_retry_at <= @now)
            ORDER BY ends_at
            LIMIT @batch
            FOR UPDATE SKIP LOCKED
            """, connection, transaction);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("batch", options.Value.BatchSize);
        return await RequestStore.ReadRequestsAsync(command);
    }

    /// <summary>
    /// Ends locked active requests of one target. Revokes at the target only the memberships no other active request
    /// still needs. Requests whose membership the target failed to revoke stay active with a retry time. Returns the
    /// ids that ended. Audit entries are added to <paramref name="entries"/> for the caller to append just before it commits.
    /// </summary>
    private async Task<IReadOnlyList<long>> EndLockedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<AccessRequest> all, RequestStatus to, string actor, ChatPlatform platform, DateTimeOffset now, List<AuditEntry> entries, CancellationToken cancellationToken)
    {
        RequestLifecycle.EnsureCanMove(RequestStatus.Active, to);
        var target = all[0].Target;
        var memberships = all.Select(r => new Membership(r.Grant, r.Login)).Distinct().ToList();
        await MembershipLock.AcquireAsync(connection, transaction, target, memberships);
        var stillNeeded = await StillNeededAsync(connection, transaction, target, all.Select(r => r.Id).ToArray(), memberships);
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
            await ScheduleRetryAsync(connection, transaction, failed, now, target, e.InnerException?.GetType().Name ?? e.GetType().Name, entries, cancellationToken);
            requests = all.Except(failed).ToList();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Revoking {Count} membership(s) at target {Target} failed; will retry", toRevoke.Count, target);
            await ScheduleRetryAsync(connection, transaction, all, now, target, e.GetType().Name, entries, cancellationToken);
            return [];
        }

        if (requests.Count == 0)
        {
            return [];
        }

        var ids = requests.Select(r => r.Id).ToArray();
        await using (var update = new NpgsqlCommand(
            "UPDATE jit.access_requests SET status = @to, ended_at = @now, ended_by = @actor, revoke_retry_at = NULL WHERE id = ANY(@ids) AND status = 'active'",
            connection, transaction))
        {
            update.Parameters.AddWithValue("to", RequestLifecycle.ToStorage(to));
            update.Parameters.AddWithValue("now", now);
            update.Parameters.AddWithValue("actor", actor);
            update.Parameters.AddWithValue("ids", ids);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        var eventName = to == RequestStatus.Expired ? AuditEvents.AccessExpired : AuditEvents.AccessRevoked;
        entries.AddRange(requests.Select(request => new AuditEntry(eventName, request.Id, actor, platform, now, new Dictionary<string, string>
        {
            ["target"] = request.Target,
            ["grant"] = request.Grant,
            ["login"] = request.Login,
            ["membership"] = stillNeeded.Contains(new Membership(request.Grant, request.Login)) ? "kept: another active request still needs it" : "revoked at target",
        })));

        return ids;
    }

    private static async Task<HashSet<Membership>> StillNeededAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string target, long[] endingIds, IReadOnlyList<Membership> memberships)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT DISTINCT r.grant_name, r.login
            FROM jit.access_requests r
            JOIN unnest(@grants, @logins) AS m(grant_name, login) ON m.grant_name = r.grant_name AND m.login = r.login
            WHERE r.status = 'active' AND r.target = @target AND NOT (r.id = ANY(@ids))
            """, connection, transaction);
        command.Parameters.AddWithValue("grants", memberships.Select(m => m.Grant).ToArray());
        command.Parameters.AddWithValue("logins", memberships.Select(m => m.Login).ToArray());
        command.Parameters.AddWithValue("target", target);
        command.Parameters.AddWithValue("ids", endingIds);
        var result = new HashSet<Membership>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(new Membership(reader.GetString(0), reader.GetString(1)));
        }

        return result;
    }

    private async Task ScheduleRetryAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<AccessRequest> requests, DateTimeOffset now, string target, string error, List<AuditEntry> entries, CancellationToken cancellationToken)
    {
        var ids = requests.Select(r => r.Id).ToArray();
        var firstFailures = new HashSet<long>();
        await using (var command = new NpgsqlCommand(
            """
            UPDATE jit.access_requests
            SET revoke_attempts = revoke_attempts + 1,
                revoke_retry_at = @now + least(@max, make_interval(secs => power(2, least(revoke_attempts, 10))))
            WHERE id = ANY(@ids)
            RETURNING id, revoke_attempts
            """, connection, transaction))
        {
            command.Parameters.AddWithValue("now", now);
            command.Parameters.AddWithValue("max", options.Value.MaxRetryDelay);
            command.Parameters.AddWithValue("ids", ids);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (reader.GetInt32(1) == 1)
                {
                    firstFailures.Add(reader.GetInt64(0));
                }
            }
        }

        // One entry per request when its revocation first fails (and so one alert in the audit channel), not one per
        // retry: a target down for an hour must not bury the channel. The attempt count stays on the row.
        entries.AddRange(requests.Where(r => firstFailures.Contains(r.Id)).Select(request => new AuditEntry(AuditEvents.RevokeFailed, request.Id, SystemActor, ChatPlatform.System, now, new Dictionary<string, string>
        {
            ["target"] = target,
            ["error"] = error,
        })));
    }
}
