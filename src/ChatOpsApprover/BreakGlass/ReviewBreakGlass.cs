using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;

namespace ChatOpsApprover.BreakGlass;

/// <summary>
/// "jit review &lt;id&gt; &lt;note&gt;": an approver of the role (never the person who used it) closes the review of a
/// break-glass use, with its audit entry (breakglass.reviewed), under the request's row lock so two reviews make one.
/// </summary>
public sealed class ReviewBreakGlass(AccessDirectory directory, RequestStore store, AuditLog audit, TimeProvider time)
{
    public async Task<(ReviewOutcome Outcome, AccessRequest? Request)> ReviewAsync(Person reviewer, ChatPlatform platform, long requestId, string note, CancellationToken cancellationToken)
    {
        await using var connection = await store.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var request = await store.FindAsync(connection, transaction, requestId, forUpdate: true);
        if (request is null)
        {
            return (ReviewOutcome.NotFound, null);
        }

        var role = directory.FindRole(request.RoleName);
        var outcome = AccessPolicy.CheckReview(directory, request, role, reviewer);
        if (outcome != ReviewOutcome.Reviewed)
        {
            return (outcome, request);
        }

        var now = time.GetUtcNow();
        if (!await store.ReviewAsync(connection, transaction, request.Id, reviewer.Id, note, now))
        {
            return (ReviewOutcome.AlreadyReviewed, request);
        }

        if (request.BreakGlass)
        {
            await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.BreakGlassReviewed, request.Id, reviewer.Id, platform, now,
                new Dictionary<string, string> { ["role"] = request.RoleName, ["note"] = note }));
        }

        if (request.ReviewMarkedFor.Count > 0)
        {
            await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.StepUpReviewed, request.Id, reviewer.Id, platform, now,
                new Dictionary<string, string> { ["role"] = request.RoleName, ["note"] = note, ["people"] = string.Join(", ", request.ReviewMarkedFor) }));
        }
        await transaction.CommitAsync(cancellationToken);
        return (outcome, request with { ReviewedBy = reviewer.Id, ReviewedAt = now, ReviewNote = note });
    }
}
