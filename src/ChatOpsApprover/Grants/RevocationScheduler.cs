using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Grants;

/// <summary>
/// Wakes at the exact moment the next grant ends and revokes it, instead of waiting for Hangfire's scheduler poll
/// (15 s by default). Each instance runs one; the Hangfire recurring reconciliation is the backstop. On the same
/// clock it lets approvals that were never confirmed lapse (no precision needed there: the poll interval will do).
/// </summary>
public sealed class RevocationScheduler(RevocationSweep sweep, ApprovalLapse lapse, TimeProvider time, IOptions<RevocationOptions> options, ILogger<RevocationScheduler> logger)
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

            // Wake-up times are absolute and the wait is measured just before waiting, so time that passes during a
            // sweep (a slow database, a burst) is never waited again.
            var wakeAt = startedAt + options.Value.PollInterval;
            var contended = false;
            try
            {
                var ended = await sweep.RevokeDueAsync(stoppingToken);
                if (startedAt - lastLapse >= options.Value.PollInterval)
                {
                    lastLapse = startedAt;
                    await lapse.LapseAsync(stoppingToken);
                }

                if (await sweep.NextDueAsync(stoppingToken) is { } due && due < wakeAt)
                {
                    wakeAt = due;
                }

                // Due rows this sweep could not claim are being revoked by another instance.
                contended = ended == 0 && wakeAt <= time.GetUtcNow();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Database down or restarting: keep trying; the grants are safe in the table.
                logger.LogError(e, "Revocation sweep failed; retrying");
                wakeAt = time.GetUtcNow() + TimeSpan.FromSeconds(1);
            }

            try
            {
                var delay = wakeAt - time.GetUtcNow();
                if (contended)
                {
                    // Give the other instance a moment (real time: this is contention, not a schedule) instead of spinning.
                    await Task.Delay(TimeSpan.FromMilliseconds(50), stoppingToken);
                }
                else if (delay > TimeSpan.Zero)
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
