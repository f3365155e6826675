using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Jobs;
using ChatOpsApprover.Requests;
using ChatOpsApprover.StepUp;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Grants;

/// <summary>
/// Ends approvals that were never turned into access: a request still waiting for its requester's second factor
/// <see cref="StepUpOptions.ConfirmWithin"/> after its approval fails, so a stale approval cannot be used later.
/// </summary>
public sealed class ApprovalLapse(RequestStore store, AuditLog audit, ChatNotifications notifications, RevocationSignal revocations, TimeProvider time, IOptions<StepUpOptions> options)
{
    private const int BatchSize = 100;

    /// <summary>Fails every approval that waited too long for its requester's confirmation, a batch per transaction; returns how many.</summary>
    public Task<int> LapseAsync(CancellationToken cancellationToken)
    {
        var within = options.Value.ConfirmWithin;
        var reason = $"the requester did not confirm with their second factor within {DurationText.Format(within)} of the approval";
        return ClaimedBatches.RunAsync(
            store.DataSource,
            audit,
            time,
            BatchSize,
            (connection, transaction, now) => store.ClaimApprovedBeforeAsync(connection, transaction, now - within, BatchSize),
            async (connection, transaction, stale, now) =>
            {
                // A grant attempt that may have reached the target becomes a clean-up with the move, which the sweep does.
                await store.MoveManyAsync(connection, transaction, stale, RequestStatus.Failed, new StatusChange(EndedAt: now, FailureReason: reason));
                return stale.Select(request => new AuditEntry(AuditEvents.GrantFailed, request.Id, "policy", ChatPlatform.System, now, new Dictionary<string, string>
                {
                    ["reason"] = reason,
                    ["membership"] = Granter.LeftAtTarget(request),
                })).ToList();
            },
            stale =>
            {
                if (stale.Any(r => r.MayHoldAccessAtTarget))
                {
                    revocations.Wake();
                }

                notifications.RequestsChanged(stale.Select(r => r.Id).ToList());
            },
            cancellationToken);
    }
}
