using System.Reflection;
using Hangfire;
using Hangfire.Common;

namespace ChatOpsApprover.Jobs;

/// <summary>
/// Chat jobs are the Hangfire jobs whose class is marked <c>[Queue(ChatJobs.Queue)]</c>. They run on a small server of
/// their own (<see cref="JobsSetup"/>), so a chat outage or a burst of notifications never holds a grant job; they are
/// retried with capped back-off while a platform is down; and every failed attempt is logged as one line by
/// <see cref="ChatJobFailureLog"/> instead of by Hangfire with a stack trace.
/// </summary>
public sealed class ChatJobs(ILogger<ChatJobFailureLog> logger) : IJobFilterProvider
{
    public const string Queue = "chat";

    /// <summary>10 retries, 5 s to 10 minutes apart: a job rides out about 50 minutes of outage before it is left failed.</summary>
    public static readonly AutomaticRetryAttribute Retry = new()
    {
        Attempts = 10,
        DelaysInSeconds = [5, 15, 30, 60, 120, 300, 600],
        // Each failure is logged once, without a stack trace, by ChatJobFailureLog.
        LogEvents = false,
    };

    // The failure log runs after the retry filter (order 20), when the next step is decided.
    private readonly JobFilter[] _filters =
    [
        new(Retry, JobFilterScope.Type, order: null),
        new(new ChatJobFailureLog(logger), JobFilterScope.Type, order: 30),
    ];

    public IEnumerable<JobFilter> GetFilters(Job? job) => IsChatJob(job) ? _filters : [];

    public static bool IsChatJob(Job? job) => job?.Type.GetCustomAttribute<QueueAttribute>()?.Queue == Queue;
}
