using System.Globalization;
using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Jobs;
using ChatOpsApprover.Observability;
using ChatOpsApprover.StepUp;
using Hangfire;
using Npgsql;

namespace ChatOpsApprover.Requests;

/// <summary>
/// The one place where a vote is counted and where an approved request is started, whether the vote came from a
/// click, from a click confirmed later with a second factor, or from policy (AutoApprove).
/// </summary>
public sealed class Approvals(RequestStore store, AuditLog audit, StepUpConfirmationStore stepUps, IBackgroundJobClient jobs, JitMetrics metrics)
{
    /// <summary>
    /// Counts a vote that <see cref="AccessPolicy.CheckDecision"/> accepted, inside the caller's transaction, which holds
    /// the request's row lock. Returns Recorded, Approved or Denied.
    /// </summary>
    public async Task<DecisionOutcome> CountVoteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AccessRequest request, RoleDefinition role, Decision decision, StepUpRisk? confirmedWith = null)
    {
        var approvals = request.Approvals.Count() + (decision.Approved ? 1 : 0);
        var required = AccessPolicy.RequiredApprovals(role, request);
        var next = AccessPolicy.StatusAfterVote(required, approvals, decision.Approved);
        var (outcome, auditEvent) = VoteResult(next);
        var details = new Dictionary<string, string>
        {
            ["approvals"] = approvals.ToString(CultureInfo.InvariantCulture),
            ["required"] = required.ToString(CultureInfo.InvariantCulture),
        };
        if (decision.Duration is { } shorter)
        {
            details["duration"] = DurationText.Format(shorter);
        }

        if (decision.Reason is not null)
        {
            details["reason"] = decision.Reason;
        }

        if (confirmedWith is not null)
        {
            details["second_factor"] = "verified";
        }

        // The decision and its audit entry in one round trip.
        await using (var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                RequestStore.InsertDecisionCommand(request.Id, decision),
                AuditLog.AppendCommand([new AuditEntry(auditEvent, request.Id, decision.ApproverId, decision.Platform, decision.At, details)]),
            },
        })
        {
            await batch.ExecuteNonQueryAsync();
        }

        audit.Appended.Raise();
        if (next != RequestStatus.Pending)
        {
            await store.MoveAsync(connection, transaction, request, next, next == RequestStatus.Denied ? new StatusChange(EndedAt: decision.At) : new StatusChange());
            metrics.Decided(request, decision.Approved, decision.At);
        }

        if (next == RequestStatus.Approved)
        {
            await OnApprovedAsync(connection, transaction, request, role, decision.At);
        }

        return outcome;
    }

    /// <summary>In the transaction that approves: when the role asks for it, the requester's confirmation is now awaited.</summary>
    public async Task OnApprovedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AccessRequest request, RoleDefinition role, DateTimeOffset now)
    {
        if (StepUpRules.RequesterMustConfirm(role))
        {
            await AskAsync(connection, transaction, request.Id, request.PersonId, StepUpPurpose.Requester, request.Platform, now);
        }
    }

    /// <summary>Records that a person must confirm with their second factor, with its audit entry.</summary>
    public async Task AskAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long requestId, string personId, StepUpPurpose purpose, ChatPlatform platform, DateTimeOffset now, TimeSpan? approvedDuration = null)
    {
        if (await stepUps.AskAsync(connection, transaction, requestId, personId, purpose, platform, now, approvedDuration))
        {
            await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.StepUpStarted, requestId, personId, platform, now,
                new Dictionary<string, string> { ["purpose"] = PurposeNames.Of(purpose) }));
        }
    }

    /// <summary>
    /// After the commit: an approved request is granted at once, or waits for its requester's code (they get the link);
    /// cards are brought up to date and the requester is told.
    /// </summary>
    public void AfterCommit(AccessRequest request, RoleDefinition role, DecisionOutcome outcome) => FollowUps(request, role, outcome, jobs);

    /// <summary>
    /// What <see cref="AfterCommit"/> does, enqueued through <paramref name="via"/>: a <see cref="JobOutboxBatch"/>
    /// saved in the deciding transaction, so the jobs commit with the decision.
    /// </summary>
    public void FollowUps(AccessRequest request, RoleDefinition role, DecisionOutcome outcome, IBackgroundJobClient via)
    {
        var notifications = ChatNotifications.Via(via);
        if (outcome == DecisionOutcome.Approved && StepUpRules.RequesterMustConfirm(role))
        {
            var id = request.Id;
            var person = request.PersonId;
            var platform = request.Platform;
            via.Enqueue<StepUpJobs>(j => j.SendLinkAsync(id, person, StepUpPurpose.Requester, platform, null, null, CancellationToken.None));

            // The link's message tells the requester; only the cards need refreshing.
            notifications.CardsChanged(id);
            return;
        }

        if (outcome == DecisionOutcome.Approved)
        {
            StartGrant(request.Id, via);
        }

        notifications.RequestsChanged([request.Id]);
    }

    public void StartGrant(long requestId) => StartGrant(requestId, jobs);

    public static void StartGrant(long requestId, IBackgroundJobClient via) => via.Enqueue<GrantJobs>(j => j.GrantAsync(requestId, CancellationToken.None));

    /// <summary>
    /// What a counted vote did, for the voter and for the audit log. Every status is named, so a new one must be placed
    /// here; a vote never leads past approval, so the later ones are a bug.
    /// </summary>
    private static (DecisionOutcome Outcome, string AuditEvent) VoteResult(RequestStatus next) => next switch
    {
        RequestStatus.Pending => (DecisionOutcome.Recorded, AuditEvents.RequestApprovalRecorded),
        RequestStatus.Approved => (DecisionOutcome.Approved, AuditEvents.RequestApproved),
        RequestStatus.Denied => (DecisionOutcome.Denied, AuditEvents.RequestDenied),
        RequestStatus.Active or RequestStatus.Expired or RequestStatus.Revoked or RequestStatus.Failed or RequestStatus.TimedOut =>
            throw new InvalidOperationException($"A vote cannot move a request to {next}."),
    };
}
