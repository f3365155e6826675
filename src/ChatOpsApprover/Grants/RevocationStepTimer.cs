using System.Diagnostics;
using ChatOpsApprover.Observability;

namespace ChatOpsApprover.Grants;

/// <summary>
/// Times the steps of one revocation batch, each from the end of the one before. Laps are kept until
/// <see cref="Finish"/>, which records them only for a batch that claimed rows: an empty claim (another instance holds
/// the rows) is not a batch.
/// </summary>
public sealed class RevocationStepTimer(JitMetrics metrics)
{
    private readonly List<(RevocationStep Step, TimeSpan Took)> _laps = new(10);
    private long _last = Stopwatch.GetTimestamp();

    /// <summary>A step that happened before the timer started (the wait for the batch), measured by the caller.</summary>
    public void Add(RevocationStep step, TimeSpan took) => _laps.Add((step, took));

    /// <summary>Ends <paramref name="step"/> now: it took the time since the last lap (or the timer's start).</summary>
    public void Lap(RevocationStep step)
    {
        var now = Stopwatch.GetTimestamp();
        _laps.Add((step, Stopwatch.GetElapsedTime(_last, now)));
        _last = now;
    }

    /// <summary>Records the laps and the batch's size, when it claimed any row.</summary>
    public void Finish(int rows)
    {
        if (rows == 0)
        {
            return;
        }

        foreach (var (step, took) in _laps)
        {
            metrics.RevocationStepTook(step, took);
        }

        metrics.RevocationBatch(rows);
    }
}
