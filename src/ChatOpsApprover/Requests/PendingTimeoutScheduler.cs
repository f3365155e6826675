using ChatOpsApprover.Grants;
using ChatOpsApprover.Jobs;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Requests;

/// <summary>
/// Wakes when the next pending request is due to be reminded or escalated (<see cref="PendingNudges"/>) or to time
/// out (<see cref="PendingTimeout"/>), so short settings behave as written; every instance runs one, on the revocation's poll interval for requests made elsewhere.
/// </summary>
public sealed class PendingTimeoutScheduler(PendingTimeout timeouts, PendingNudges nudges, TimeProvider time, IOptions<RevocationOptions> options, ILogger<PendingTimeoutScheduler> logger)
    : DueTimeScheduler(time, logger)
{
    protected override string WorkName => "Pending timeout";

    protected override TimeSpan PollInterval => options.Value.PollInterval;

    protected override async Task<int> RunDueAsync(DateTimeOffset startedAt, CancellationToken cancellationToken) =>
        await nudges.RunDueAsync(cancellationToken) + await timeouts.TimeOutDueAsync(cancellationToken);

    protected override Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken) => timeouts.NextDueAsync(cancellationToken);
}
