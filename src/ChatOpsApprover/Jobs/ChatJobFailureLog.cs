using ChatOpsApprover.Chat;
using Hangfire.States;

namespace ChatOpsApprover.Jobs;

/// <summary>
/// Logs a failed chat job as one line: which job, why it failed and what happens next, once Hangfire has decided
/// whether to retry it. A chat platform failing (<see cref="ChatApiException"/>) is expected: a Warning without a stack
/// trace. Anything else is unexpected: an Error with its stack trace.
/// </summary>
public sealed class ChatJobFailureLog(ILogger logger) : IElectStateFilter
{
    public void OnStateElection(ElectStateContext context)
    {
        // The retry filter has already replaced the failure with its retry; the failure is among the traversed states.
        if ((context.CandidateState as FailedState ?? context.TraversedStates.OfType<FailedState>().LastOrDefault()) is not { } failed)
        {
            return;
        }

        var job = $"{context.BackgroundJob.Job.Type.Name}.{context.BackgroundJob.Job.Method.Name} (job {context.BackgroundJob.Id})";
        var next = context.CandidateState switch
        {
            ScheduledState retry => $"retry {context.GetJobParameter<int>("RetryCount")} of {ChatJobs.Retry.Attempts} at {retry.EnqueueAt:HH:mm:ss} UTC",
            EnqueuedState => "it is retried now",
            DeletedState => "it is deleted",
            _ when context.GetJobParameter<string?>("RecurringJobId", allowStale: true) is { } recurring => $"it runs again on the schedule of recurring job {recurring}",
            _ => "no retries left: it stays among Hangfire's failed jobs, from where it can be retried",
        };

        if (ChatApiException.Summary(failed.Exception) is { } why)
        {
            logger.LogWarning("Chat job {Job} failed: {Why}; {Next}", job, why, next);
        }
        else
        {
            logger.LogError(failed.Exception, "Chat job {Job} failed unexpectedly; {Next}", job, next);
        }
    }
}
