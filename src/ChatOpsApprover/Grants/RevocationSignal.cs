namespace ChatOpsApprover.Grants;

/// <summary>
/// Wakes this instance's <see cref="RevocationScheduler"/> at once: a grant started (its end may be earlier than the
/// next one known), or a clean-up was scheduled. Its own type, so anything may wake the scheduler without depending on it.
/// </summary>
public sealed class RevocationSignal
{
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Wake() => _wake.TrySetResult();

    /// <summary>Completes at the next <see cref="Wake"/> after it was taken (or at once, if one came since the last <see cref="Reset"/>).</summary>
    public Task Next => _wake.Task;

    /// <summary>Arms the signal again once the scheduler has acted on a wake (<paramref name="seen"/>).</summary>
    public void Reset(Task seen)
    {
        var current = _wake;
        if (current.Task == seen && seen.IsCompleted)
        {
            Interlocked.CompareExchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), current);
        }
    }
}
