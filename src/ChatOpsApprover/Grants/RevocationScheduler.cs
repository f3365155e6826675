using ChatOpsApprover.Jobs;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Grants;

/// <summary>
/// Wakes at the exact moment the next grant ends and revokes it, instead of waiting for Hangfire's scheduler poll
/// (15 s by default). Each instance runs one; the Hangfire recurring reconciliation is the backstop. On the same
/// clock it lets approvals that were never confirmed lapse (no precision needed there: the poll interval will do).
/// </summary>
public sealed class RevocationScheduler(RevocationSweep sweep, ApprovalLapse lapse, TimeProvider time, IOptions<RevocationOptions> options, ILogger<RevocationScheduler> logger)
    : DueTimeScheduler(time, logger)
{
    private DateTimeOffset _lastLapse = DateTimeOffset.MinValue;

    protected override string WorkName => "Revocation sweep";

    protected override TimeSpan PollInterval => options.Value.PollInterval;

    protected override async Task<int> RunDueAsync(DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var ended = await sweep.RevokeDueAsync(cancellationToken);
        if (startedAt - _lastLapse >= PollInterval)
        {
            _lastLapse = startedAt;
            await lapse.LapseAsync(cancellationToken);
        }

        return ended;
    }

    protected override Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken) => sweep.NextDueAsync(cancellationToken);
}
