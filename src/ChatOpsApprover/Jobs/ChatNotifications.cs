using Hangfire;

namespace ChatOpsApprover.Jobs;

/// <summary>Queues chat work as Hangfire jobs, so the HTTP reply and the grant path never wait on a chat API.</summary>
public sealed class ChatNotifications(IBackgroundJobClient jobs)
{
    /// <summary>The same notifications, enqueued through <paramref name="client"/> (a <see cref="JobOutboxBatch"/> of a transaction).</summary>
    public static ChatNotifications Via(IBackgroundJobClient client) => new(client);

    public void RequestCreated(long requestId) => jobs.Enqueue<NotificationJobs>(j => j.PublishCardsAsync(requestId, CancellationToken.None));

    public void RequestsChanged(IReadOnlyCollection<long> requestIds)
    {
        if (requestIds.Count > 0)
        {
            var ids = requestIds.ToArray();
            jobs.Enqueue<NotificationJobs>(j => j.RequestsChangedAsync(ids, CancellationToken.None));
        }
    }

    /// <summary>Reminds <paramref name="personIds"/> of a waiting request, or tells them it was escalated to them.</summary>
    public void Nudge(long requestId, string[] personIds, bool escalation)
    {
        if (personIds.Length > 0)
        {
            jobs.Enqueue<NotificationJobs>(j => j.NudgeAsync(requestId, personIds, escalation, CancellationToken.None));
        }
    }

    /// <summary>Tells a requester their access, ending at <paramref name="endsAt"/>, ends soon (with a way to extend it).</summary>
    public void EndingSoon(long requestId, DateTimeOffset endsAt) => jobs.Enqueue<NotificationJobs>(j => j.EndingSoonAsync(requestId, endsAt, CancellationToken.None));

    /// <summary>Posts the approval card of an extension that waits for approvers.</summary>
    public void ExtensionAsked(long extensionId) => jobs.Enqueue<NotificationJobs>(j => j.PublishExtensionCardsAsync(extensionId, CancellationToken.None));

    /// <summary>Shows an approval of an extension that needs more on its cards.</summary>
    public void ExtensionCardsChanged(long extensionId) => jobs.Enqueue<NotificationJobs>(j => j.RefreshExtensionCardsAsync(extensionId, CancellationToken.None));

    /// <summary>Updates the extension's cards and tells the requester how it was decided.</summary>
    public void ExtensionDecided(long extensionId) => jobs.Enqueue<NotificationJobs>(j => j.ExtensionDecidedAsync(extensionId, CancellationToken.None));

    public void CardsChanged(long requestId) => jobs.Enqueue<NotificationJobs>(j => j.RefreshCardsAsync(requestId, CancellationToken.None));

    /// <summary>A private message to a person, on <paramref name="platform"/> when they are there, else wherever they are.</summary>
    public void TellPerson(string personId, Domain.ChatPlatform platform, string text) =>
        jobs.Enqueue<NotificationJobs>(j => j.TellPersonAsync(personId, platform, text, CancellationToken.None));

    public void TellUser(Domain.ChatPlatform platform, string userId, string channel, string text) =>
        jobs.Enqueue<NotificationJobs>(j => j.TellUserAsync(platform, userId, channel, text, CancellationToken.None));
}
