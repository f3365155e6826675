namespace ChatOpsApprover.Jobs;

/// <summary>
/// The loop of work that must happen at its exact time (revocation, pending timeouts): run what is due, then sleep
/// until the earliest next due time, or the poll interval (for rows written by other instances), or until this
/// instance wakes it. Rows are claimed with SKIP LOCKED by the work itself, so every instance runs one loop and each
/// row is handled once. Time comes from <see cref="TimeProvider"/>, so tests move a fake clock.
/// </summary>
public abstract class DueTimeScheduler(TimeProvider time, ILogger logger) : BackgroundService
{
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>What the loop does, for its log line ("Revocation sweep").</summary>
    protected abstract string WorkName { get; }

    /// <summary>How often to look for rows other instances wrote; this instance's own wake it at once.</summary>
    protected abstract TimeSpan PollInterval { get; }

    /// <summary>Called when this instance writes a row that may be due earlier than the loop sleeps.</summary>
    public void Wake() => _wake.TrySetResult();

    /// <summary>Does the work due at <paramref name="startedAt"/>; returns how many rows it ended.</summary>
    protected abstract Task<int> RunDueAsync(DateTimeOffset startedAt, CancellationToken cancellationToken);

    /// <summary>When the next row falls due, or null when none is waiting.</summary>
    protected abstract Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var signal = _wake;
            var startedAt = time.GetUtcNow();

            // Wake-up times are absolute and the wait is measured just before waiting, so time that passes during a
            // run (a slow database, a burst) is never waited again.
            var wakeAt = startedAt + PollInterval;
            var contended = false;
            try
            {
                var ended = await RunDueAsync(startedAt, stoppingToken);
                if (await NextDueAsync(stoppingToken) is { } due && due < wakeAt)
                {
                    wakeAt = due;
                }

                // Due rows this run could not claim are being handled by another instance.
                contended = ended == 0 && wakeAt <= time.GetUtcNow();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Database down or restarting: keep trying; the rows are safe in their table.
                logger.LogError(e, "{Work} failed; retrying", WorkName);
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
