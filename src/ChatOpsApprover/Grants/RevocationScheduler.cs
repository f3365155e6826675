using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Grants;

/// <summary>
/// Wakes at the exact moment the next grant ends and revokes it, instead of waiting for Hangfire's scheduler poll
/// (15 s by default). Each instance runs one; the Hangfire recurring reconciliation is the backstop. On the same
/// clock it lets approvals that were never confirmed lapse (no precision needed there: the poll interval will do).
/// </summary>
public sealed class RevocationScheduler(Revoker revoker, ApprovalLapse lapse, TimeProvider time, IOptions<RevocationOptions> options, ILogger<RevocationScheduler> logger)
    : BackgroundService
{
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Called when this instance activates a grant, so an earlier end is noticed at once.</summary>
    public void Wake() => _wake.TrySetResult();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastLapse = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            var signal = _wake;
            var startedAt = time.GetUtcNow();
            var delay = options.Value.PollInterval;
            try
            {
                var ended = await revoker.RevokeDueAsync(stoppingToken);
                if (startedAt - lastLapse >= options.Value.PollInterval)
                {
                    lastLapse = startedAt;
                    await lapse.LapseAsync(stoppingToken);
                }

                // The poll interval counts from the start of this sweep: time that passed during it is not waited again.
                delay = options.Value.PollInterval - (time.GetUtcNow() - startedAt);
                var next = await revoker.NextDueAsync(stoppingToken);
                if (next is { } due && due - time.GetUtcNow() < delay)
                {
                    delay = due - time.GetUtcNow();
                }

                // Due rows that this sweep could not claim are being revoked by another instance: give it a moment
                // (real time: this is contention, not a schedule) instead of spinning on them.
                if (ended == 0 && delay <= TimeSpan.Zero)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(50), stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Database down or restarting: keep trying; the grants are safe in the table.
                logger.LogError(e, "Revocation sweep failed; retrying");
                delay = TimeSpan.FromSeconds(1);
            }

            try
            {
                if (delay > TimeSpan.Zero)
                {
                    await Task.WhenAny(signal.Task, Task.Delay(delay, time, stoppingToken));
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (signal.Task.IsCompleted)
            {
                Interlocked.CompareExchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), signal);
            }
        }
    }
}
