using ChatOpsApprover.Jobs;
using Hangfire;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>
/// Hangfire entry points for the Home tab, on the chat queue (<see cref="ChatJobs"/>). Publishing is idempotent: a
/// retried job publishes the tab as it stands then. Keep names and parameters stable: queued jobs refer to them.
/// </summary>
[Queue(ChatJobs.Queue)]
public sealed class SlackHomeTabJobs(SlackHomeTabs homeTabs, SlackHomeTabStore store, TimeProvider time, ILogger<SlackHomeTabJobs> logger)
{
    public async Task OpenedAsync(string userId, CancellationToken cancellationToken)
    {
        await store.RememberAsync(userId, time.GetUtcNow(), cancellationToken);
        await homeTabs.PublishAsync(userId, cancellationToken);
    }

    /// <summary>
    /// Republishes these users' tabs. One Slack refuses (the user left the workspace) does not hold back the others; a
    /// Slack that is down fails the job, which is retried.
    /// </summary>
    public async Task PublishAsync(string[] userIds, CancellationToken cancellationToken)
    {
        foreach (var userId in userIds)
        {
            try
            {
                await homeTabs.PublishAsync(userId, cancellationToken);
            }
            catch (ChatApiException e) when (!e.Unavailable)
            {
                logger.LogWarning("The Slack Home tab of {UserId} was not republished: {Why}; it is published again when they open it", userId, e.Message);
            }
        }
    }
}
