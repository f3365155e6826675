using System.Collections.Concurrent;
using System.Diagnostics;
using ChatOpsApprover.Observability;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Grants;

/// <summary>
/// Wakes at the exact moment the next grant ends and revokes it, instead of waiting for Hangfire's scheduler poll
/// (15 s by default). Each instance runs one; the Hangfire recurring reconciliation is the backstop. Each target is
/// worked on in a lane of its own, so a target that hangs until its timeouts holds back only itself: the others' ends
/// are revoked on time meanwhile. On the same clock it lets approvals that were never confirmed lapse (no precision
/// needed there: the poll interval will do).
/// </summary>
public sealed class RevocationScheduler(RevocationSweep sweep, ApprovalLapse lapse, RevocationSignal signal, TimeProvider time, IOptions<RevocationOptions> options, JitMetrics metrics, ILogger<RevocationScheduler> logger)
    : BackgroundService
{
    /// <summary>How long a target whose due rows another instance holds is left alone (real time: this is contention, not a schedule).</summary>
    private static readonly TimeSpan ContentionPause = TimeSpan.FromMilliseconds(50);

    /// <summary>How long a target whose sweep failed for another reason than the target (the bot's database) waits.</summary>
    private static readonly TimeSpan FailurePause = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, Task> _lanes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _pausedUntil = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastLapse = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            var woken = signal.Next;
            var startedAt = time.GetUtcNow();

            // Wake-up times are absolute and the wait is measured just before waiting, so time that passes during a
            // sweep (a slow database, a burst) is never waited again.
            var wakeAt = startedAt + options.Value.PollInterval;
            var wakeForDue = false;
            try
            {
                foreach (var done in _lanes.Where(l => l.Value.IsCompleted).Select(l => l.Key).ToList())
                {
                    _lanes.Remove(done);
                }

                foreach (var (target, until) in _pausedUntil.Where(p => Stopwatch.GetTimestamp() >= p.Value).ToList())
                {
                    _pausedUntil.TryRemove(KeyValuePair.Create(target, until));
                }

                foreach (var target in await sweep.DueTargetsAsync(stoppingToken))
                {
                    if (!_lanes.ContainsKey(target) && !_pausedUntil.ContainsKey(target))
                    {
                        _lanes[target] = RunLaneAsync(target, stoppingToken);
                    }
                }

                if (startedAt - lastLapse >= options.Value.PollInterval)
                {
                    lastLapse = startedAt;
                    await lapse.LapseAsync(stoppingToken);
                }

                // Targets in a lane wake this loop when their lane ends; paused ones when their pause does.
                var busy = _lanes.Keys.Concat(_pausedUntil.Keys).ToHashSet(StringComparer.Ordinal);
                if (await sweep.NextDueAsync(busy, stoppingToken) is { } due && due < wakeAt)
                {
                    wakeAt = due;
                    wakeForDue = true;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // Database down or restarting: keep trying; the grants are safe in the table.
                logger.LogError(e, "Revocation sweep failed; retrying");
                wakeAt = time.GetUtcNow() + FailurePause;
            }

            try
            {
                var waits = new List<Task> { woken };
                var delay = wakeAt - time.GetUtcNow();
                var timer = delay > TimeSpan.Zero ? Task.Delay(delay, time, stoppingToken) : null;
                waits.Add(timer ?? Task.CompletedTask);
                if (NextPauseEnd() is { } pause)
                {
                    waits.Add(Task.Delay(pause, stoppingToken));
                }

                var first = await Task.WhenAny(waits);
                stoppingToken.ThrowIfCancellationRequested();
                if (wakeForDue && first == timer)
                {
                    // The timer's precision: how late it fired after the due time it slept until.
                    metrics.RevocationStepTook(RevocationStep.Wake, time.GetUtcNow() - wakeAt);
                }
            }
            catch (OperationCanceledException)
            {
                break;
            }

            signal.Reset(woken);
        }

        // Lanes see the same cancellation; let them finish their transaction's rollback before the host goes away.
        await Task.WhenAll(_lanes.Values);
    }

    private async Task RunLaneAsync(string target, CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            var (_, claimed) = await sweep.RevokeDueAtAsync(target, stoppingToken);
            if (claimed == 0)
            {
                // Due rows this lane could not claim are being revoked by another instance.
                Pause(target, ContentionPause);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "Revocation sweep of target {Target} failed; retrying", target);
            Pause(target, FailurePause);
        }
        finally
        {
            signal.Wake();
        }
    }

    private void Pause(string target, TimeSpan pause) => _pausedUntil[target] = Stopwatch.GetTimestamp() + (long)(pause.TotalSeconds * Stopwatch.Frequency);

    /// <summary>How long until the first paused target may be swept again, or null when none is paused.</summary>
    private TimeSpan? NextPauseEnd()
    {
        if (_pausedUntil.IsEmpty)
        {
            return null;
        }

        var ticks = _pausedUntil.Values.Min() - Stopwatch.GetTimestamp();
        return ticks <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)ticks / Stopwatch.Frequency);
    }
}
