using ChatOpsApprover.Grants;
using ChatOpsApprover.Jobs;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Requests;

/// <summary>
/// Wakes when the next pending request is due to be reminded or escalated (<see cref="PendingNudges"/>) or to time
/// out (<see cref="PendingTimeout"/>), and when a requester is due to hear their access ends soon
/// (<see cref="EndReminders"/>), so short settings behave as written; every instance runs one, on the revocation's
/// poll interval for requests made elsewhere. Chat-side deadlines only: revocation keeps a loop of its own.
/// </summary>
public sealed class PendingTimeoutScheduler(
    PendingTimeout timeouts,
    PendingNudges nudges,
    EndReminders endReminders,
    TimeProvider time,
    IOptions<RevocationOptions> options,
    ILogger<PendingTimeoutScheduler> logger)
    : DueTimeScheduler(time, logger)
{
    protected override string WorkName => "Pending timeout";

    protected override TimeSpan PollInterval => options.Value.PollInterval;

    protected override async Task<int> RunDueAsync(DateTimeOffset startedAt, CancellationToken cancellationToken) =>
        await nudges.RunDueAsync(cancellationToken) + await timeouts.TimeOutDueAsync(cancellationToken) + await endReminders.RemindDueAsync(cancellationToken);

    protected override async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken) =>
        (await timeouts.NextDueAsync(cancellationToken), await endReminders.NextDueAsync(cancellationToken)) switch
        {
            ({ } a, { } b) => a < b ? a : b,
            (var a, var b) => a ?? b,
        };
}
