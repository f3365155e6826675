using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;

namespace ChatOpsApprover.Jobs;

/// <summary>
/// A job client that only collects: the jobs enqueued through it are serialised as Hangfire stores them, to be written
/// by <see cref="JobOutbox.SaveAsync"/> in the transaction that asked for them. Only enqueueing is supported.
/// </summary>
public sealed class JobOutboxBatch : IBackgroundJobClient
{
    private readonly List<string> _jobs = [];

    public IReadOnlyList<string> Jobs => _jobs;

    public string Create(Job job, IState state)
    {
        if (state is not EnqueuedState)
        {
            throw new NotSupportedException($"The job outbox only enqueues; {state.Name} is not supported.");
        }

        _jobs.Add(InvocationData.SerializeJob(job).SerializePayload());

        // Hangfire gives the job its id when the relay enqueues it; nobody here needs it.
        return $"outbox-{_jobs.Count}";
    }

    public bool ChangeState(string jobId, IState state, string expectedState) =>
        throw new NotSupportedException("The job outbox only enqueues.");
}
