namespace ChatOpsApprover.Audit;

/// <summary>
/// Tells this instance's sealer that entries were appended. Raised before the appending transaction commits, so the
/// sealer keeps looking for a short while after each signal (<see cref="AuditSealingService"/>). Many raises between
/// two waits count as one.
/// </summary>
public sealed class AuditAppendSignal
{
    private readonly SemaphoreSlim _raised = new(0, 1);
    private int _pending;
    private long _lastRaisedAt;

    /// <summary>When entries were last appended here (Environment.TickCount64 milliseconds).</summary>
    public long LastRaisedAt => Interlocked.Read(ref _lastRaisedAt);

    public void Raise()
    {
        Interlocked.Exchange(ref _lastRaisedAt, Environment.TickCount64);
        if (Interlocked.Exchange(ref _pending, 1) == 0)
        {
            _raised.Release();
        }
    }

    /// <summary>Waits for a raise; false when <paramref name="timeout"/> passed first.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var raised = await _raised.WaitAsync(timeout, cancellationToken);
        Interlocked.Exchange(ref _pending, 0);
        return raised;
    }
}
