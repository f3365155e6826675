using ChatOpsApprover.Domain;
using ChatOpsApprover.Grants;
using ChatOpsApprover.StepUp;
using ChatOpsApprover.Storage;
using Npgsql;
using NpgsqlTypes;

namespace ChatOpsApprover.Requests;

/// <summary>
/// The store of the request aggregate: the only place that reads or writes jit.access_requests and jit.decisions.
/// Callers own the transaction, so a change and its audit entry commit together. A status is written only by
/// <see cref="MoveManyAsync"/>, after <see cref="RequestLifecycle"/> allowed the move, and statuses always travel as
/// parameters (<see cref="RequestLifecycle.ToStorage"/>), never as literals in SQL.
/// </summary>
public sealed class RequestStore(NpgsqlDataSource dataSource, StepUpConfirmationStore stepUps)
{
    /// <summary>The columns <see cref="ReadRequestsAsync"/> reads, in its order: select exactly these.</summary>
    private const string DecisionsSql =
        "SELECT request_id, approver_id, approved, decided_at, platform, reason, duration_seconds FROM jit.decisions WHERE request_id = ANY(@ids) ORDER BY decided_at";

    private const string Columns =
        "id, person_id, role_name, target, grant_name, login, duration_seconds, reason, status, platform, requested_at, granted_at, ends_at, ended_at, ended_by, failure_reason, "
        + "grant_sent_at, held_outside, grant_receipt, sessions_closed, cleanup_due_at, escalated_to, "
        + "extra_approvals, approver_step_up, auto_approved, policy_rules, "
        + "break_glass, reviewed_at, reviewed_by, review_note, review_marked_for";

    /// <summary>What the revocation sweep takes on: active requests whose window ended, and access left to clean up; either once its retry time came.</summary>
    private const string Due =
        "((r.status = @active AND r.ends_at <= @at) OR r.cleanup_due_at <= @at) AND (r.revoke_retry_at IS NULL OR r.revoke_retry_at <= @at)";

    /// <summary>Pending, approved and active: every status a request can still leave.</summary>
    private static readonly string[] OpenStatuses =
        Enum.GetValues<RequestStatus>().Where(s => !RequestLifecycle.IsTerminal(s)).Select(RequestLifecycle.ToStorage).ToArray();

    public NpgsqlDataSource DataSource => dataSource;

    /// <summary>Stores a new request as <see cref="RequestStatus.Pending"/>, where every request starts.</summary>
    public async Task<long> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string personId, RoleDefinition role, string login, TimeSpan duration, string reason, ChatPlatform platform, DateTimeOffset now, PolicyVerdict.Allowed policy)
    {
        var insert = InsertCommand(null, personId, role, login, duration, reason, platform, now, policy);
        await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { insert } };
        return (long)(await batch.ExecuteScalarAsync())!;
    }

    /// <summary>Draws the id a new request will have (see <see cref="InsertCommand"/>): one round trip, no transaction.</summary>
    public static async Task<long> NextIdAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT nextval('jit.access_requests_id_seq')", connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// The insert of a new pending request, for a batch that commits it with its audit entry and jobs; with
    /// <paramref name="id"/> null the row draws its own id (returned).
    /// </summary>
    public static NpgsqlBatchCommand InsertCommand(long? id, string personId, RoleDefinition role, string login, TimeSpan duration, string reason, ChatPlatform platform, DateTimeOffset now, PolicyVerdict.Allowed policy)
    {
        var command = new NpgsqlBatchCommand(
            """
            INSERT INTO jit.access_requests (id, person_id, role_name, target, grant_name, login, duration_seconds, reason, status, platform, requested_at, expires_at, remind_at, escalate_at,
                                             extra_approvals, approver_step_up, auto_approved, policy_rules)
            VALUES (coalesce(@id, nextval('jit.access_requests_id_seq')), @person, @role, @target, @grant, @login, @duration, @reason, @status, @platform, @now, @expires, @remind, @escalate,
                    @extra, @approver_step_up, @auto_approved, @rules)
            RETURNING id
            """);
        command.Parameters.Add(OrNull("id", NpgsqlDbType.Bigint, id));
        command.Parameters.AddWithValue("extra", policy.ExtraApprovals);
        command.Parameters.AddWithValue("approver_step_up", policy.ApproverStepUp);
        command.Parameters.AddWithValue("auto_approved", policy.AutoApproved);
        command.Parameters.AddWithValue("rules", policy.Rules.Select(r => r.ToString()).ToArray());
        command.Parameters.AddWithValue("person", personId);
        command.Parameters.AddWithValue("role", role.Name);
        command.Parameters.AddWithValue("target", role.Target);
        command.Parameters.AddWithValue("grant", role.Grant);
        command.Parameters.AddWithValue("login", login);
        command.Parameters.AddWithValue("duration", (int)duration.TotalSeconds);
        command.Parameters.AddWithValue("reason", reason);
        command.Parameters.AddWithValue("status", RequestLifecycle.ToStorage(RequestStatus.Pending));
        command.Parameters.AddWithValue("platform", StoredPlatform.Name(platform));
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("expires", now + role.PendingTimeout);
        command.Parameters.Add(OrNull("remind", NpgsqlDbType.TimestampTz, now + role.ReminderAfter));
        command.Parameters.Add(OrNull("escalate", NpgsqlDbType.TimestampTz, now + role.EscalateAfter));
        return command;
    }

    /// <summary>
    /// Whether the person ever requested the role before (Risk:FirstRequest), whatever became of it. Takes a
    /// transaction-scoped advisory lock on (person, role) first, so of two requests made at once the second waits for
    /// the first to commit (or roll back) and then sees it: exactly one of them is the first.
    /// </summary>
    public async Task<bool> HasRequestedBeforeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string personId, string roleName)
    {
        await using (var lockPair = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", connection, transaction))
        {
            lockPair.Parameters.AddWithValue("key", $"first-request\u001f{personId}\u001f{roleName}");
            await lockPair.ExecuteNonQueryAsync();
        }

        // A statement of its own after the lock: under READ COMMITTED it sees what the other transaction committed.
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM jit.access_requests WHERE person_id = @person AND role_name = @role)", connection, transaction);
        command.Parameters.AddWithValue("person", personId);
        command.Parameters.AddWithValue("role", roleName);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Loads a request; with <paramref name="forUpdate"/> the row stays locked until the transaction ends.</summary>
    public async Task<AccessRequest?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long id, bool forUpdate)
    {
        // One round trip for the row, its decisions and its step-ups. Each statement reads after the one before it
        // (READ COMMITTED), so with forUpdate the decisions are read once the lock is held: a racing click's decision,
        // committed while this one waited for the lock, is seen.
        var row = new NpgsqlBatchCommand($"SELECT {Columns} FROM jit.access_requests WHERE id = @id{(forUpdate ? " FOR UPDATE" : string.Empty)}");
        row.Parameters.AddWithValue("id", id);
        var decisions = new NpgsqlBatchCommand(DecisionsSql);
        decisions.Parameters.AddWithValue("ids", new[] { id });
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands = { row, decisions, StepUpConfirmationStore.ConfirmationsCommand([id]) },
        };
        await using var reader = await batch.ExecuteReaderAsync();
        var request = await reader.ReadAsync() ? ReadRequest(reader) : null;
        await reader.NextResultAsync();
        var decided = new List<Decision>();
        while (await reader.ReadAsync())
        {
            decided.Add(ReadDecision(reader));
        }

        await reader.NextResultAsync();
        var stepUps = new List<StepUpConfirmation>();
        while (await reader.ReadAsync())
        {
            stepUps.Add(StepUpConfirmationStore.ReadConfirmation(reader));
        }

        return request is null ? null : request with { Decisions = decided, StepUps = stepUps };
    }

    public async Task<AccessRequest?> FindAsync(long id)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await FindAsync(connection, null, id, forUpdate: false);
    }

    public async Task<IReadOnlyList<AccessRequest>> ListOpenForPersonAsync(string personId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM jit.access_requests WHERE person_id = @person AND status = ANY(@open) ORDER BY id", connection);
        command.Parameters.AddWithValue("person", personId);
        command.Parameters.AddWithValue("open", OpenStatuses);
        return await WithDecisionsAndStepUpsAsync(connection, null, await ReadRequestsAsync(command));
    }

    /// <summary>Pending requests of these roles, oldest first, at most <paramref name="limit"/>, with their decisions.</summary>
    public async Task<IReadOnlyList<AccessRequest>> ListPendingAsync(IReadOnlyCollection<string> roleNames, int limit)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM jit.access_requests WHERE status = @pending AND role_name = ANY(@roles) ORDER BY id LIMIT @limit", connection);
        command.Parameters.AddWithValue("pending", RequestLifecycle.ToStorage(RequestStatus.Pending));
        command.Parameters.AddWithValue("roles", roleNames.ToArray());
        command.Parameters.AddWithValue("limit", limit);
        return await WithDecisionsAndStepUpsAsync(connection, null, await ReadRequestsAsync(command));
    }

    // ---- Break-glass ----

    /// <summary>Marks a request made in the caller's transaction as taken with break-glass: it needs review from now on.</summary>
    public async Task MarkBreakGlassAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long id)
    {
        await using var command = new NpgsqlCommand("UPDATE jit.access_requests SET break_glass = true WHERE id = @id", connection, transaction);
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Closes the review of a locked break-glass request; false when it was already reviewed (nothing changed).</summary>
    public async Task<bool> ReviewAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long id, string reviewerId, string note, DateTimeOffset now)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE jit.access_requests SET reviewed_at = @now, reviewed_by = @by, review_note = @note WHERE id = @id AND (break_glass OR cardinality(review_marked_for) > 0) AND reviewed_at IS NULL",
            connection, transaction);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("by", reviewerId);
        command.Parameters.AddWithValue("note", note);
        command.Parameters.AddWithValue("now", now);
        return await command.ExecuteNonQueryAsync() == 1;
    }

    /// <summary>
    /// Marks a locked request for review: <paramref name="personId"/>'s step-up was let through by a Risk rule with
    /// Review. A review already closed is opened again (the earlier one stays in the audit log).
    /// </summary>
    public async Task MarkForReviewAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long id, string personId)
    {
        await using var command = new NpgsqlCommand(
            """
            UPDATE jit.access_requests
            SET review_marked_for = CASE WHEN @person = ANY(review_marked_for) THEN review_marked_for ELSE array_append(review_marked_for, @person) END,
                reviewed_at = NULL, reviewed_by = NULL, review_note = NULL
            WHERE id = @id
            """, connection, transaction);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("person", personId);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Break-glass uses and requests with step-ups marked for review, of these roles, that nobody has reviewed yet, oldest first.</summary>
    public async Task<IReadOnlyList<AccessRequest>> UnreviewedBreakGlassAsync(IReadOnlyCollection<string> roleNames)
    {
        if (roleNames.Count == 0)
        {
            return [];
        }

        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM jit.access_requests WHERE (break_glass OR cardinality(review_marked_for) > 0) AND reviewed_at IS NULL AND role_name = ANY(@roles) ORDER BY id", connection);
        command.Parameters.AddWithValue("roles", roleNames.ToArray());
        return await WithDecisionsAndStepUpsAsync(connection, null, await ReadRequestsAsync(command));
    }

    /// <summary>The ids of every request of a person and/or of a role (null: any).</summary>
    public async Task<long[]> IdsOfAsync(string? personId, string? roleName, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT id FROM jit.access_requests WHERE (@person::text IS NULL OR person_id = @person) AND (@role::text IS NULL OR role_name = @role)");
        command.Parameters.Add(OrNull("person", NpgsqlDbType.Text, personId));
        command.Parameters.Add(OrNull("role", NpgsqlDbType.Text, roleName));
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids.ToArray();
    }

    /// <summary>The current status of each of these requests that exists.</summary>
    public async Task<IReadOnlyDictionary<long, RequestStatus>> StatusesAsync(IReadOnlyCollection<long> ids)
    {
        var result = new Dictionary<long, RequestStatus>();
        if (ids.Count == 0)
        {
            return result;
        }

        await using var command = dataSource.CreateCommand("SELECT id, status FROM jit.access_requests WHERE id = ANY(@ids)");
        command.Parameters.AddWithValue("ids", ids.ToArray());
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result[reader.GetInt64(0)] = RequestLifecycle.FromStorage(reader.GetString(1));
        }

        return result;
    }

    /// <summary>The insert of a decision, for a batch that sends it with its audit entry in the caller's transaction.</summary>
    public static NpgsqlBatchCommand InsertDecisionCommand(long requestId, Decision decision)
    {
        var command = new NpgsqlBatchCommand(
            "INSERT INTO jit.decisions (request_id, approver_id, approved, decided_at, platform, reason, duration_seconds) VALUES (@id, @approver, @approved, @at, @platform, @reason, @duration)");
        command.Parameters.AddWithValue("id", requestId);
        command.Parameters.AddWithValue("approver", decision.ApproverId);
        command.Parameters.AddWithValue("approved", decision.Approved);
        command.Parameters.AddWithValue("at", decision.At);
        command.Parameters.AddWithValue("platform", StoredPlatform.Name(decision.Platform));
        command.Parameters.Add(OrNull("reason", NpgsqlDbType.Text, decision.Reason));
        command.Parameters.Add(OrNull("duration", NpgsqlDbType.Integer, decision.Duration is { } d ? (int)d.TotalSeconds : null));
        return command;
    }

    /// <summary>Moves a locked request to <paramref name="to"/>; the lifecycle decides whether that move is allowed.</summary>
    public Task MoveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AccessRequest request, RequestStatus to, StatusChange change) =>
        MoveManyAsync(connection, transaction, [request], to, change);

    /// <summary>
    /// Moves locked requests to <paramref name="to"/> in one round trip. The lifecycle is asked for each request
    /// before anything is written, and only rows still in the status the caller read are moved: a row that moved
    /// under the caller's lock is a bug, and throws (the caller's transaction then rolls back). Leaving a status
    /// also clears the revocation retry time, which belongs to an active grant only.
    /// </summary>
    public async Task MoveManyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<AccessRequest> requests, RequestStatus to, StatusChange change)
    {
        foreach (var request in requests)
        {
            RequestLifecycle.EnsureCanMove(request.Status, to);
        }

        if (requests.Count == 0)
        {
            return;
        }

        // A request that ends before it was active, after a grant attempt may have reached the target, leaves access to
        // take away: it becomes a durable clean-up, revoked (and retried) by the sweep like any end. Decided here, for
        // every way out of approved (withdrawn, failed, lapsed, refused), so no path can forget it.
        var cleanup = RequestLifecycle.IsTerminal(to)
            ? requests.Where(r => r.Status == RequestStatus.Approved && r.MayHoldAccessAtTarget).Select(r => r.Id).ToArray()
            : [];
        if (cleanup.Length > 0 && change.EndedAt is null)
        {
            throw new InvalidOperationException("A request that ends must say when (StatusChange.EndedAt): its clean-up at the target is due then.");
        }

        await using var command = new NpgsqlCommand(
            """
            UPDATE jit.access_requests AS r
            SET status = @to,
                granted_at = coalesce(@granted_at, r.granted_at),
                ends_at = coalesce(@ends_at, r.ends_at),
                ended_at = coalesce(@ended_at, r.ended_at),
                ended_by = coalesce(@ended_by, r.ended_by),
                failure_reason = coalesce(@failure, r.failure_reason),
                grant_receipt = coalesce(@receipt, r.grant_receipt),
                cleanup_due_at = CASE WHEN r.id = ANY(@cleanup) THEN @ended_at ELSE r.cleanup_due_at END,
                end_reminder_at = coalesce(@end_reminder_at, r.end_reminder_at),
                revoke_retry_at = NULL
            FROM unnest(@ids, @froms) AS m(id, status)
            WHERE r.id = m.id AND r.status = m.status
            RETURNING r.id
            """, connection, transaction);
        command.Parameters.AddWithValue("ids", requests.Select(r => r.Id).ToArray());
        command.Parameters.AddWithValue("froms", requests.Select(r => RequestLifecycle.ToStorage(r.Status)).ToArray());
        command.Parameters.AddWithValue("to", RequestLifecycle.ToStorage(to));
        command.Parameters.Add(OrNull("granted_at", NpgsqlDbType.TimestampTz, change.GrantedAt));
        command.Parameters.Add(OrNull("ends_at", NpgsqlDbType.TimestampTz, change.EndsAt));
        command.Parameters.Add(OrNull("ended_at", NpgsqlDbType.TimestampTz, change.EndedAt));
        command.Parameters.Add(OrNull("ended_by", NpgsqlDbType.Text, change.EndedBy));
        command.Parameters.Add(OrNull("failure", NpgsqlDbType.Text, change.FailureReason));
        command.Parameters.Add(OrNull("receipt", NpgsqlDbType.Text, change.GrantReceipt));
        command.Parameters.AddWithValue("cleanup", cleanup);
        command.Parameters.Add(OrNull("end_reminder_at", NpgsqlDbType.TimestampTz, change.EndReminderAt));
        var moved = new HashSet<long>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                moved.Add(reader.GetInt64(0));
            }
        }

        if (requests.Where(r => !moved.Contains(r.Id)).ToList() is { Count: > 0 } stale)
        {
            throw new InvalidOperationException(
                string.Join("; ", stale.Select(r => $"Request {r.Id} was not in status {r.Status}")) + "; the caller must hold its lock.");
        }
    }

    public async Task<int> CountGrantAttemptAsync(long requestId)
    {
        await using var command = dataSource.CreateCommand("UPDATE jit.access_requests SET grant_attempts = grant_attempts + 1 WHERE id = @id RETURNING grant_attempts");
        command.Parameters.AddWithValue("id", requestId);
        return (int)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Records, before the first grant attempt reaches the target, that one is about to (and whether the person already
    /// held the access), in a transaction of its own: if the grant's reply is lost, the request still knows it may hold
    /// access there. Later attempts keep the first record.
    /// </summary>
    public async Task MarkGrantSentAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long id, bool heldOutside, DateTimeOffset now)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE jit.access_requests SET grant_sent_at = @now, held_outside = @held WHERE id = @id AND grant_sent_at IS NULL", connection, transaction);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("held", heldOutside);
        command.Parameters.AddWithValue("now", now);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Whether the bot's records explain a membership at a target that <paramref name="exceptId"/> is about to use: null
    /// when no other request accounts for it; otherwise whether those requests found it held outside the bot. Active
    /// requests, grants sent but not yet confirmed (a lost reply being retried) and pending clean-ups count: each means
    /// the bot itself may have given it.
    /// </summary>
    public async Task<bool?> OthersHoldingAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string target, Membership membership, long exceptId)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT bool_and(held_outside) FROM jit.access_requests
            WHERE target = @target AND grant_name = @grant AND login = @login AND id <> @id
              AND (status = @active OR (status = @approved AND grant_sent_at IS NOT NULL) OR cleanup_due_at IS NOT NULL)
            """, connection, transaction);
        command.Parameters.AddWithValue("target", target);
        command.Parameters.AddWithValue("grant", membership.Grant);
        command.Parameters.AddWithValue("login", membership.Login);
        command.Parameters.AddWithValue("id", exceptId);
        command.Parameters.AddWithValue("active", RequestLifecycle.ToStorage(RequestStatus.Active));
        command.Parameters.AddWithValue("approved", RequestLifecycle.ToStorage(RequestStatus.Approved));
        return await command.ExecuteScalarAsync() is bool held ? held : null;
    }

    // ---- Revocation ----

    /// <summary>The targets with revocation work due at <paramref name="now"/> (window ends and clean-ups, retry times come).</summary>
    public async Task<IReadOnlyList<string>> DueTargetsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT DISTINCT r.target FROM jit.access_requests r WHERE {Due}");
        command.Parameters.AddWithValue("active", RequestLifecycle.ToStorage(RequestStatus.Active));
        command.Parameters.AddWithValue("at", now);
        var targets = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            targets.Add(reader.GetString(0));
        }

        return targets;
    }

    /// <summary>
    /// Locks up to <paramref name="limit"/> requests of one target with revocation work due (see <see cref="Due"/>),
    /// earliest first. SKIP LOCKED: rows another instance is revoking are left to it. With their decisions when
    /// <paramref name="withDecisions"/> (a webhook names the approvers on revoke too), without step-up confirmations.
    /// </summary>
    public async Task<List<AccessRequest>> ClaimDueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string target, DateTimeOffset now, int limit, bool withDecisions = true)
    {
        await using var command = new NpgsqlCommand(
            $"""
            SELECT {Columns}
            FROM jit.access_requests r
            WHERE r.target = @target AND {Due}
            ORDER BY coalesce(r.cleanup_due_at, r.ends_at)
            LIMIT @limit
            FOR UPDATE SKIP LOCKED
            """, connection, transaction);
        command.Parameters.AddWithValue("target", target);
        command.Parameters.AddWithValue("active", RequestLifecycle.ToStorage(RequestStatus.Active));
        command.Parameters.AddWithValue("at", now);
        command.Parameters.AddWithValue("limit", limit);
        var claimed = await ReadRequestsAsync(command);
        return withDecisions ? await WithDecisionsAsync(connection, transaction, claimed) : claimed;
    }

    /// <summary>
    /// When revocation work next falls due (window end, clean-up or retry), leaving out <paramref name="exceptTargets"/>
    /// (targets being worked on now); null when there is none.
    /// </summary>
    public async Task<DateTimeOffset?> NextDueAsync(IReadOnlyCollection<string> exceptTargets, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT min(greatest(coalesce(cleanup_due_at, ends_at), coalesce(revoke_retry_at, cleanup_due_at, ends_at)))
            FROM jit.access_requests
            WHERE (status = @active OR cleanup_due_at IS NOT NULL) AND NOT (target = ANY(@except))
            """);
        command.Parameters.AddWithValue("active", RequestLifecycle.ToStorage(RequestStatus.Active));
        command.Parameters.AddWithValue("except", exceptTargets.ToArray());
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DateTime at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null;
    }

    /// <summary>Clean-ups that are done: their access is gone from the target (or was never the bot's to take).</summary>
    public async Task CleanedUpAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long[] ids)
    {
        await using var command = new NpgsqlCommand("UPDATE jit.access_requests SET cleanup_due_at = NULL, revoke_retry_at = NULL, revoke_attempts = 0 WHERE id = ANY(@ids)", connection, transaction);
        command.Parameters.AddWithValue("ids", ids);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Makes ended requests' access a clean-up due at <paramref name="now"/> (drift found it still granted); returns the ids that were not already due.</summary>
    public async Task<IReadOnlyList<long>> MarkCleanupDueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long[] ids, DateTimeOffset now)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE jit.access_requests SET cleanup_due_at = @now WHERE id = ANY(@ids) AND cleanup_due_at IS NULL AND NOT (status = ANY(@open)) RETURNING id", connection, transaction);
        command.Parameters.AddWithValue("ids", ids);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("open", OpenStatuses);
        var marked = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            marked.Add(reader.GetInt64(0));
        }

        return marked;
    }

    /// <summary>How many sessions at the target were closed with each request's access.</summary>
    public async Task RecordSessionsClosedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyDictionary<long, int> closed)
    {
        if (closed.Count == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand(
            "UPDATE jit.access_requests r SET sessions_closed = c.n FROM unnest(@ids, @counts) AS c(id, n) WHERE r.id = c.id", connection, transaction);
        command.Parameters.AddWithValue("ids", closed.Keys.ToArray());
        command.Parameters.AddWithValue("counts", closed.Values.ToArray());
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// What the bot's records say about access at one target, for a drift check: every request that may have been given
    /// access there and is active, being granted (sent, not yet confirmed), or ended at or after <paramref name="endedSince"/>,
    /// with its decisions.
    /// </summary>
    public async Task<List<AccessRequest>> GivenAtTargetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string target, DateTimeOffset endedSince)
    {
        await using var command = new NpgsqlCommand(
            $"""
            SELECT {Columns}
            FROM jit.access_requests r
            WHERE r.target = @target AND r.grant_sent_at IS NOT NULL
              AND (r.status = @active OR r.status = @approved OR r.ended_at >= @since OR r.cleanup_due_at IS NOT NULL)
            ORDER BY r.id
            """, connection, transaction);
        command.Parameters.AddWithValue("target", target);
        command.Parameters.AddWithValue("active", RequestLifecycle.ToStorage(RequestStatus.Active));
        command.Parameters.AddWithValue("approved", RequestLifecycle.ToStorage(RequestStatus.Approved));
        command.Parameters.AddWithValue("since", endedSince);
        return await WithDecisionsAsync(connection, transaction, await ReadRequestsAsync(command));
    }

    /// <summary>
    /// Active grants, and those among them that ended before <paramref name="overdueBefore"/> (still active: not revoked
    /// yet). Synchronous, for metrics collected on the scraper's thread; the due index keeps it cheap.
    /// </summary>
    public (long Active, long Overdue) CountActive(DateTimeOffset overdueBefore)
    {
        using var command = dataSource.CreateCommand(
            "SELECT count(*), count(*) FILTER (WHERE ends_at < @before) FROM jit.access_requests WHERE status = @active");
        command.Parameters.AddWithValue("before", overdueBefore);
        command.Parameters.AddWithValue("active", RequestLifecycle.ToStorage(RequestStatus.Active));
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>
    /// Which of <paramref name="memberships"/> at <paramref name="target"/> an active request other than
    /// <paramref name="endingIds"/> still needs. <paramref name="first"/>, when given, is sent before the question in the
    /// same round trip and runs to its end first (the memberships' locks, so the answer is read under them).
    /// </summary>
    public async Task<HashSet<Membership>> StillNeededAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string target, long[] endingIds, IReadOnlyList<Membership> memberships, NpgsqlBatchCommand? first = null)
    {
        var command = new NpgsqlBatchCommand(
            """
            SELECT DISTINCT r.grant_name, r.login
            FROM jit.access_requests r
            JOIN unnest($1::text[], $2::text[]) AS m(grant_name, login) ON m.grant_name = r.grant_name AND m.login = r.login
            WHERE r.status = $3 AND r.target = $4 AND NOT (r.id = ANY($5))
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = memberships.Select(m => m.Grant).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = memberships.Select(m => m.Login).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = RequestLifecycle.ToStorage(RequestStatus.Active) });
        command.Parameters.Add(new NpgsqlParameter { Value = target });
        command.Parameters.Add(new NpgsqlParameter { Value = endingIds });
        await using var batch = new NpgsqlBatch(connection, transaction);
        if (first is not null)
        {
            batch.BatchCommands.Add(first);
        }

        batch.BatchCommands.Add(command);
        var result = new HashSet<Membership>();
        await using var reader = await batch.ExecuteReaderAsync();
        if (first is not null)
        {
            // The locks' rows (one void per key) come first: the answer is the last result.
            await reader.NextResultAsync();
        }

        while (await reader.ReadAsync())
        {
            result.Add(new Membership(reader.GetString(0), reader.GetString(1)));
        }

        return result;
    }

    /// <summary>
    /// Counts a failed revocation of each request and sets when to try again: exponential back-off (2^attempts
    /// seconds) capped at <paramref name="maxDelay"/>. Returns each request's attempt count, this one included.
    /// </summary>
    public async Task<IReadOnlyDictionary<long, int>> ScheduleRevokeRetryAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long[] ids, DateTimeOffset now, TimeSpan maxDelay)
    {
        await using var command = new NpgsqlCommand(
            """
            UPDATE jit.access_requests
            SET revoke_attempts = revoke_attempts + 1,
                revoke_retry_at = @now + least(@max, make_interval(secs => power(2, least(revoke_attempts, 10))))
            WHERE id = ANY(@ids)
            RETURNING id, revoke_attempts
            """, connection, transaction);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("max", maxDelay);
        command.Parameters.AddWithValue("ids", ids);
        var attempts = new Dictionary<long, int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            attempts[reader.GetInt64(0)] = reader.GetInt32(1);
        }

        return attempts;
    }

    /// <summary>Makes a locked active request due now (unless it already is), so the sweep keeps trying to end it.</summary>
    public async Task MakeDueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long id, DateTimeOffset now)
    {
        await using var command = new NpgsqlCommand("UPDATE jit.access_requests SET ends_at = least(ends_at, @now) WHERE id = @id", connection, transaction);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync();
    }

    // ---- Pending timeout ----

    /// <summary>Locks up to <paramref name="limit"/> pending requests whose decision time has passed. SKIP LOCKED, rows only, as <see cref="ClaimDueAsync"/>.</summary>
    public Task<List<AccessRequest>> ClaimTimedOutAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DateTimeOffset now, int limit) =>
        ClaimAsync(connection, transaction, RequestStatus.Pending, "r.expires_at <= @at", "r.expires_at", now, limit);

    /// <summary>Locks up to <paramref name="limit"/> pending requests whose reminder is due (SKIP LOCKED, rows only).</summary>
    public Task<List<AccessRequest>> ClaimRemindersDueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DateTimeOffset now, int limit) =>
        ClaimAsync(connection, transaction, RequestStatus.Pending, "r.remind_at <= @at", "r.remind_at", now, limit);

    /// <summary>Locks up to <paramref name="limit"/> pending requests whose escalation is due (SKIP LOCKED, rows only).</summary>
    public Task<List<AccessRequest>> ClaimEscalationsDueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DateTimeOffset now, int limit) =>
        ClaimAsync(connection, transaction, RequestStatus.Pending, "r.escalate_at <= @at", "r.escalate_at", now, limit);

    /// <summary>Marks locked requests reminded: their reminder is done and never sent again.</summary>
    public async Task MarkRemindedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long[] ids)
    {
        await using var command = new NpgsqlCommand("UPDATE jit.access_requests SET remind_at = NULL WHERE id = ANY(@ids)", connection, transaction);
        command.Parameters.AddWithValue("ids", ids);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Escalates a locked request: <paramref name="people"/> become its approvers too, and its escalation is done.</summary>
    public async Task EscalateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long id, string[] people)
    {
        await using var command = new NpgsqlCommand("UPDATE jit.access_requests SET escalate_at = NULL, escalated_to = @people WHERE id = @id", connection, transaction);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("people", people);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>When the next pending request times out, is reminded or escalated, or null when none is pending.</summary>
    public async Task<DateTimeOffset?> NextTimeoutAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT min(least(expires_at, remind_at, escalate_at)) FROM jit.access_requests WHERE status = @pending");
        command.Parameters.AddWithValue("pending", RequestLifecycle.ToStorage(RequestStatus.Pending));
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DateTime at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null;
    }

    // ---- Reminder before the end ----

    /// <summary>Locks up to <paramref name="limit"/> active requests whose end reminder is due and whose window has not ended yet (SKIP LOCKED, rows only).</summary>
    public Task<List<AccessRequest>> ClaimEndRemindersDueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DateTimeOffset now, int limit) =>
        ClaimAsync(connection, transaction, RequestStatus.Active, "r.end_reminder_at <= @at AND r.ends_at > @at", "r.end_reminder_at", now, limit);

    /// <summary>Marks locked requests reminded of their end: never again for this end.</summary>
    public async Task MarkEndRemindedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long[] ids)
    {
        await using var command = new NpgsqlCommand("UPDATE jit.access_requests SET end_reminder_at = NULL WHERE id = ANY(@ids)", connection, transaction);
        command.Parameters.AddWithValue("ids", ids);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// When the next active request's end reminder is due, or null when none is waiting. A window that ended at
    /// <paramref name="now"/> (its revocation still retrying) is never reminded, so it is not waited for either.
    /// </summary>
    public async Task<DateTimeOffset?> NextEndReminderAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT min(end_reminder_at) FROM jit.access_requests WHERE status = @active AND end_reminder_at IS NOT NULL AND ends_at > @now");
        command.Parameters.AddWithValue("active", RequestLifecycle.ToStorage(RequestStatus.Active));
        command.Parameters.AddWithValue("now", now);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DateTime at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null;
    }

    /// <summary>
    /// Moves the end of a locked active request (an extension), and its reminder with it. Not a status change: the
    /// request stays active; only a row still active is touched.
    /// </summary>
    public async Task MoveEndAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long id, DateTimeOffset endsAt, DateTimeOffset? endReminderAt)
    {
        await using var command = new NpgsqlCommand("UPDATE jit.access_requests SET ends_at = @ends, end_reminder_at = @remind WHERE id = @id AND status = @active", connection, transaction);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("ends", endsAt);
        command.Parameters.Add(OrNull("remind", NpgsqlDbType.TimestampTz, endReminderAt));
        command.Parameters.AddWithValue("active", RequestLifecycle.ToStorage(RequestStatus.Active));
        if (await command.ExecuteNonQueryAsync() != 1)
        {
            throw new InvalidOperationException($"Request {id} is not active; the caller must hold its lock and check its status.");
        }
    }

    // ---- Approval lapse ----

    /// <summary>
    /// Locks up to <paramref name="limit"/> approved requests whose latest approval (or, approved by policy, whose
    /// request) is at or before <paramref name="cutoff"/>. SKIP LOCKED, rows only, as <see cref="ClaimDueAsync"/>.
    /// </summary>
    public Task<List<AccessRequest>> ClaimApprovedBeforeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DateTimeOffset cutoff, int limit) =>
        ClaimAsync(
            connection,
            transaction,
            RequestStatus.Approved,
            "coalesce((SELECT max(d.decided_at) FROM jit.decisions d WHERE d.request_id = r.id AND d.approved), r.requested_at) <= @at",
            "r.id",
            cutoff,
            limit);

    /// <summary>Locks up to <paramref name="limit"/> rows (r) in <paramref name="status"/> that meet <paramref name="condition"/> on @at, skipping locked ones.</summary>
    private static async Task<List<AccessRequest>> ClaimAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, RequestStatus status, string condition, string orderBy, DateTimeOffset at, int limit)
    {
        await using var command = new NpgsqlCommand(
            $"""
            SELECT {Columns}
            FROM jit.access_requests r
            WHERE r.status = @status AND {condition}
            ORDER BY {orderBy}
            LIMIT @limit
            FOR UPDATE SKIP LOCKED
            """, connection, transaction);
        command.Parameters.AddWithValue("status", RequestLifecycle.ToStorage(status));
        command.Parameters.AddWithValue("at", at);
        command.Parameters.AddWithValue("limit", limit);
        return await ReadRequestsAsync(command);
    }

    private static NpgsqlParameter OrNull(string name, NpgsqlDbType type, object? value) => new(name, type) { Value = value ?? DBNull.Value };

    private async Task<List<AccessRequest>> WithDecisionsAndStepUpsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, List<AccessRequest> rows)
    {
        if (rows.Count == 0)
        {
            return rows;
        }

        var confirmations = await stepUps.ConfirmationsAsync(connection, transaction, rows.Select(r => r.Id).ToArray());
        return (await WithDecisionsAsync(connection, transaction, rows)).Select(r => r with { StepUps = confirmations.GetValueOrDefault(r.Id, []) }).ToList();
    }

    private static async Task<List<AccessRequest>> WithDecisionsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, List<AccessRequest> rows)
    {
        if (rows.Count == 0)
        {
            return rows;
        }

        await using var command = new NpgsqlCommand(DecisionsSql, connection, transaction);
        command.Parameters.AddWithValue("ids", rows.Select(r => r.Id).ToArray());
        var decisions = await RowGroups.ReadAsync(command, ReadDecision);
        return rows.Select(r => r with { Decisions = decisions.GetValueOrDefault(r.Id, []) }).ToList();
    }

    private static Decision ReadDecision(NpgsqlDataReader reader) => new(
        reader.GetString(1),
        reader.GetBoolean(2),
        reader.GetFieldValue<DateTimeOffset>(3),
        StoredPlatform.Parse(reader.GetString(4)),
        reader.IsDBNull(5) ? null : reader.GetString(5),
        reader.IsDBNull(6) ? null : TimeSpan.FromSeconds(reader.GetInt32(6)));

    private static async Task<List<AccessRequest>> ReadRequestsAsync(NpgsqlCommand command)
    {
        var result = new List<AccessRequest>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(ReadRequest(reader));
        }

        return result;
    }

    private static AccessRequest ReadRequest(NpgsqlDataReader reader) =>
            new AccessRequest(
                Id: reader.GetInt64(0),
                PersonId: reader.GetString(1),
                RoleName: reader.GetString(2),
                Target: reader.GetString(3),
                Grant: reader.GetString(4),
                Login: reader.GetString(5),
                Duration: TimeSpan.FromSeconds(reader.GetInt32(6)),
                Reason: reader.GetString(7),
                Status: RequestLifecycle.FromStorage(reader.GetString(8)),
                Platform: StoredPlatform.Parse(reader.GetString(9)),
                RequestedAt: reader.GetFieldValue<DateTimeOffset>(10),
                Decisions: [],
                GrantedAt: reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11),
                EndsAt: reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12),
                EndedAt: reader.IsDBNull(13) ? null : reader.GetFieldValue<DateTimeOffset>(13),
                EndedBy: reader.IsDBNull(14) ? null : reader.GetString(14),
                FailureReason: reader.IsDBNull(15) ? null : reader.GetString(15))
            {
                GrantSentAt = reader.IsDBNull(16) ? null : reader.GetFieldValue<DateTimeOffset>(16),
                HeldOutside = reader.GetBoolean(17),
                GrantReceipt = reader.IsDBNull(18) ? null : reader.GetString(18),
                SessionsClosed = reader.IsDBNull(19) ? null : reader.GetInt32(19),
                CleanupDueAt = reader.IsDBNull(20) ? null : reader.GetFieldValue<DateTimeOffset>(20),
                EscalatedTo = reader.GetFieldValue<string[]>(21),
                ExtraApprovals = reader.GetInt32(22),
                ApproverStepUp = reader.GetBoolean(23),
                AutoApproved = reader.GetBoolean(24),
                PolicyRules = reader.GetFieldValue<string[]>(25).Select(PolicyRuleHit.Parse).ToArray(),
                BreakGlass = reader.GetBoolean(26),
                ReviewedAt = reader.IsDBNull(27) ? null : reader.GetFieldValue<DateTimeOffset>(27),
                ReviewedBy = reader.IsDBNull(28) ? null : reader.GetString(28),
                ReviewNote = reader.IsDBNull(29) ? null : reader.GetString(29),
                ReviewMarkedFor = reader.GetFieldValue<string[]>(30),
            };
}
