using System.Text.Json;
using ChatOpsApprover.Chat;
using ChatOpsApprover.Chat.Cards;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;
using Hangfire;

namespace ChatOpsApprover.Jobs;

/// <summary>
/// Hangfire entry points for chat messages: chat jobs (<see cref="ChatJobs"/>), with their queue, retries and failure
/// log. Keep names and parameters stable: queued jobs refer to them.
/// </summary>
[Queue(ChatJobs.Queue)]
public sealed class NotificationJobs(RequestStore store, ExtensionStore extensions, ChatMessageStore messages, ExtensionMessageStore extensionMessages, AccessDirectory directory, IEnumerable<IChatPlatform> platforms, IEnumerable<IHomeViews> homeViews, ILogger<NotificationJobs> logger)
{
    /// <summary>Posts the approval card on each platform the role uses; a card already posted is not posted again.</summary>
    public async Task PublishCardsAsync(long requestId, CancellationToken cancellationToken)
    {
        var request = await store.FindAsync(requestId);
        var role = request is null ? null : directory.FindRole(request.RoleName);
        if (request is null || role is null)
        {
            return;
        }

        var card = ApprovalCardBuilder.Build(request, role);
        var posted = await messages.MessagesAsync(requestId);
        foreach (var platform in platforms)
        {
            if (platform.ApprovalChannel(role) is not { } channel || posted.Any(m => m.Platform == platform.Platform))
            {
                continue;
            }

            var message = await platform.PostApprovalCardAsync(channel, card, cancellationToken);
            await messages.SaveMessageAsync(requestId, message);
        }

        // The request may have moved on while the card was being posted, and a refresh that ran meanwhile found no card
        // to update yet (an approver's click recorded between the post and its record): show what it is now.
        var latest = await store.FindAsync(requestId);
        if (latest is not null && !SameFacts(card, ApprovalCardBuilder.Build(latest, role)))
        {
            await RefreshCardsAsync(requestId, cancellationToken);
            return;
        }

        await HomeViewsChangedAsync([request], cancellationToken);
    }

    /// <summary>Whether two cards say the same (records holding lists compare by reference, so by their JSON).</summary>
    private static bool SameFacts(ApprovalCard posted, ApprovalCard now) =>
        JsonSerializer.Serialize(posted) == JsonSerializer.Serialize(now);

    public async Task RefreshCardsAsync(long requestId, CancellationToken cancellationToken)
    {
        if (await UpdateCardsAsync(requestId, cancellationToken) is { } request)
        {
            await HomeViewsChangedAsync([request], cancellationToken);
        }
    }

    /// <summary>Brings the request's cards up to date; the request as they now show it, or null when it or its role is gone.</summary>
    private async Task<AccessRequest?> UpdateCardsAsync(long requestId, CancellationToken cancellationToken)
    {
        var request = await store.FindAsync(requestId);
        var role = request is null ? null : directory.FindRole(request.RoleName);
        if (request is null || role is null)
        {
            return null;
        }

        var card = ApprovalCardBuilder.Build(request, role);
        foreach (var message in await messages.MessagesAsync(requestId))
        {
            var platform = platforms.FirstOrDefault(p => p.Platform == message.Platform);
            if (platform is not null)
            {
                await platform.UpdateApprovalCardAsync(message, card, cancellationToken);
            }
        }

        return request;
    }

    /// <summary>
    /// Whatever changed requests' cards changed the home views of the people they concern: each platform queues their
    /// refresh, once for a whole batch.
    /// </summary>
    private async Task HomeViewsChangedAsync(IReadOnlyCollection<AccessRequest> requests, CancellationToken cancellationToken)
    {
        if (requests.Count == 0)
        {
            return;
        }

        foreach (var views in homeViews)
        {
            await views.RequestsChangedAsync(requests, cancellationToken);
        }
    }

    /// <summary>
    /// Brings cards up to date and tells each requester what happened. A platform that refuses one message does not
    /// silence the rest of a batch; a platform that is down fails the job, which is retried later (and may then tell
    /// the requesters before the failure a second time).
    /// </summary>
    public async Task RequestsChangedAsync(long[] requestIds, CancellationToken cancellationToken)
    {
        var changed = new List<AccessRequest>();
        foreach (var id in requestIds)
        {
            try
            {
                if (await UpdateCardsAsync(id, cancellationToken) is { } updated)
                {
                    changed.Add(updated);
                }

                var request = await store.FindAsync(id);
                if (request is not null && RequestLifecycle.IsTerminal(request.Status))
                {
                    // An extension that waited when the access ended lapsed with it: its cards lose their buttons.
                    foreach (var extensionId in await extensions.LapsedOfAsync(id))
                    {
                        await RefreshExtensionCardsAsync(extensionId, cancellationToken);
                    }
                }

                if (request is not null && directory.FindPerson(request.PersonId) is { } person)
                {
                    await SendDirectAsync(person, request.Platform, RequestMessages.ForRequester(request), cancellationToken);
                }
            }
            catch (ChatApiException e) when (!e.Unavailable && requestIds.Length > 1)
            {
                logger.LogWarning("A notification about request {RequestId} was refused: {Why}; it is not retried, the rest of the batch goes on", id, e.Message);
            }
        }

        // One refresh for the batch: a sweep that ends a thousand grants queues one republish, not a thousand.
        await HomeViewsChangedAsync(changed, cancellationToken);
    }

    /// <summary>
    /// A reminder, or the news of an escalation, for people who may decide a waiting request: on each platform with a
    /// card, the way that platform reaches people about it (<see cref="IChatPlatform.NudgeAsync"/>). Nothing once the
    /// request was decided.
    /// </summary>
    public async Task NudgeAsync(long requestId, string[] personIds, bool escalation, CancellationToken cancellationToken)
    {
        var request = await store.FindAsync(requestId);
        var role = request is null ? null : directory.FindRole(request.RoleName);
        if (request is null || role is null || request.Status != RequestStatus.Pending)
        {
            return;
        }

        var people = personIds.Select(directory.FindPerson).OfType<Person>().ToList();
        var text = escalation ? RequestMessages.Escalated(request, role) : RequestMessages.Reminder(request);
        var card = ApprovalCardBuilder.Build(request, role);
        foreach (var message in await messages.MessagesAsync(requestId))
        {
            if (platforms.FirstOrDefault(p => p.Platform == message.Platform) is { } platform)
            {
                await platform.NudgeAsync(message, people, text, escalation ? card : null, cancellationToken);
            }
        }
    }

    /// <summary>
    /// The requester's "access ends in 10 minutes" message, with the Extend control when the role still allows one, on
    /// the platform they asked from first. Nothing when the access already ended or its end moved (an extension: the
    /// new end has a reminder of its own).
    /// </summary>
    public async Task EndingSoonAsync(long requestId, DateTimeOffset endsAt, CancellationToken cancellationToken)
    {
        var request = await store.FindAsync(requestId);
        var role = request is null ? null : directory.FindRole(request.RoleName);
        if (request is null || role is null || request.Status != RequestStatus.Active || request.EndsAt != endsAt || directory.FindPerson(request.PersonId) is not { } person)
        {
            return;
        }

        var choices = ExtensionRules.Choices(request, role);
        var notice = new EndingSoonNotice(requestId, RequestMessages.EndingSoon(request, role, choices.Count > 0), choices);
        foreach (var platform in platforms.OrderBy(p => p.Platform == request.Platform ? 0 : 1))
        {
            if (await platform.SendEndingSoonAsync(person, notice, cancellationToken))
            {
                return;
            }
        }
    }

    /// <summary>Posts an extension's approval card to the role's approval channel on each platform; a card already posted is not posted again.</summary>
    public async Task PublishExtensionCardsAsync(long extensionId, CancellationToken cancellationToken)
    {
        var extension = await extensions.FindAsync(extensionId);
        var request = extension is null ? null : await store.FindAsync(extension.RequestId);
        var role = request is null ? null : directory.FindRole(request.RoleName);
        if (extension is not { Status: ExtensionStatus.Pending } || request is null || role is null)
        {
            return;
        }

        var card = ExtensionCardBuilder.Build(extension, request, role);
        var posted = await extensionMessages.MessagesAsync(extensionId);
        foreach (var platform in platforms)
        {
            if (platform.ApprovalChannel(role) is { } channel && posted.All(m => m.Platform != platform.Platform))
            {
                await extensionMessages.SaveMessageAsync(extensionId, await platform.PostApprovalCardAsync(channel, card, cancellationToken));
            }
        }

        // It may have been decided while the card was being posted.
        if ((await extensions.FindAsync(extensionId))?.Status != ExtensionStatus.Pending)
        {
            await RefreshExtensionCardsAsync(extensionId, cancellationToken);
        }
    }

    /// <summary>Brings an extension's cards up to date (approvals so far; once decided, no buttons).</summary>
    public async Task RefreshExtensionCardsAsync(long extensionId, CancellationToken cancellationToken)
    {
        var extension = await extensions.FindAsync(extensionId);
        var request = extension is null ? null : await store.FindAsync(extension.RequestId);
        var role = request is null ? null : directory.FindRole(request.RoleName);
        if (extension is null || request is null || role is null)
        {
            return;
        }

        var card = ExtensionCardBuilder.Build(extension, request, role);
        foreach (var message in await extensionMessages.MessagesAsync(extensionId))
        {
            if (platforms.FirstOrDefault(p => p.Platform == message.Platform) is { } platform)
            {
                await platform.UpdateApprovalCardAsync(message, card, cancellationToken);
            }
        }
    }

    /// <summary>Updates the extension's cards and tells the requester how it was decided.</summary>
    public async Task ExtensionDecidedAsync(long extensionId, CancellationToken cancellationToken)
    {
        await RefreshExtensionCardsAsync(extensionId, cancellationToken);
        var extension = await extensions.FindAsync(extensionId);
        var request = extension is null ? null : await store.FindAsync(extension.RequestId);
        if (extension is null || request is null || directory.FindPerson(request.PersonId) is not { } person)
        {
            return;
        }

        await SendDirectAsync(person, request.Platform, RequestMessages.ExtensionDecidedForRequester(extension, request), cancellationToken);
    }

    public async Task TellUserAsync(ChatPlatform platform, string userId, string channel, string text, CancellationToken cancellationToken)
    {
        var adapter = platforms.FirstOrDefault(p => p.Platform == platform);
        if (adapter is not null)
        {
            await adapter.SendEphemeralAsync(userId, channel, text, cancellationToken);
        }
    }

    public async Task TellPersonAsync(string personId, ChatPlatform platform, string text, CancellationToken cancellationToken)
    {
        if (directory.FindPerson(personId) is { } person)
        {
            await SendDirectAsync(person, platform, text, cancellationToken);
        }
    }

    /// <summary>Reaches the person on the platform they used, or on any platform where they have an identity.</summary>
    public async Task SendDirectAsync(Person person, ChatPlatform preferred, string text, CancellationToken cancellationToken)
    {
        foreach (var platform in platforms.OrderBy(p => p.Platform == preferred ? 0 : 1))
        {
            if (await platform.SendDirectMessageAsync(person, text, cancellationToken))
            {
                return;
            }
        }
    }
}
