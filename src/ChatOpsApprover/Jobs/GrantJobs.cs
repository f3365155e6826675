using ChatOpsApprover.Grants;
using Hangfire;

namespace ChatOpsApprover.Jobs;

/// <summary>Hangfire entry points for grants and revocations. Keep names and parameters stable: queued jobs refer to them.</summary>
public sealed class GrantJobs(Granter granter, RevocationSweep sweep, DriftReconciler drift)
{
    public const string ReconcileJobId = "revocation-reconcile";
    public const string DriftJobId = "grant-drift";

    [AutomaticRetry(Attempts = Granter.MaxAttempts, DelaysInSeconds = [1, 3, 10, 30])]
    public async Task GrantAsync(long requestId, CancellationToken cancellationToken)
    {
        if (await granter.GrantAsync(requestId, cancellationToken) == GrantOutcome.Retry)
        {
            throw new GrantRetryException(requestId);
        }
    }

    /// <summary>The backstop: revokes anything past its end that is still granted, whatever happened to the instant path.</summary>
    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    public async Task ReconcileAsync(CancellationToken cancellationToken) => await sweep.RevokeDueAsync(cancellationToken);

    /// <summary>Compares every target with the records and reports drift (<see cref="DriftReconciler"/>).</summary>
    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    public async Task CheckDriftAsync(CancellationToken cancellationToken) => await drift.CheckAllAsync(cancellationToken);
}

public sealed class GrantRetryException(long requestId) : Exception($"Grant for request {requestId} will be retried.");
