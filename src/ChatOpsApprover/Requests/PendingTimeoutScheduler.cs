using ChatOpsApprover.Grants;
using ChatOpsApprover.Jobs;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Requests;

/// <summary>
/// Wakes when the next pending request times out (<see cref="PendingTimeout"/>), so short PendingTimeout settings
/// behave as written; every instance runs one, on the revocation's poll interval for requests made elsewhere.
/// </summary>
public sealed class PendingTimeoutScheduler(PendingTimeout timeouts, TimeProvider time, IOptions<RevocationOptions> options, ILogger<PendingTimeoutScheduler> logger)
    : DueTimeScheduler(time, logger)
{
    protected override string WorkName => "Pending timeout";

    protected override TimeSpan PollInterval => options.Value.PollInterval;

    protected override Task<int> RunDueAsync(DateTimeOffset startedAt, CancellationToken cancellationToken) => timeouts.TimeOutDueAsync(cancellationToken);

    protected override Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken) => timeouts.NextDueAsync(cancellationToken);
}
