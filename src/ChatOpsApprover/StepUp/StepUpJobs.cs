using ChatOpsApprover.Chat;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Jobs;
using Hangfire;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// Hangfire entry points for step-up messages: chat jobs (<see cref="ChatJobs"/>), with their queue, retries and
/// failure log. Keep names and parameters stable: queued jobs refer to them. No argument is secret: the link is minted
/// inside the job, so its token never sits in the job store.
/// </summary>
[Queue(ChatJobs.Queue)]
public sealed class StepUpJobs(StepUpMessenger messenger, AccessDirectory directory, IEnumerable<IChatPlatform> platforms, NotificationJobs notifications)
{
    /// <summary>Sends a confirmation link: ephemeral where the person clicked when a channel is given, otherwise by direct message.</summary>
    public async Task SendLinkAsync(long requestId, string personId, StepUpPurpose purpose, ChatPlatform platform, string? platformUserId, string? channel, CancellationToken cancellationToken)
    {
        if (directory.FindPerson(personId) is not { } person || await messenger.PrepareAsync(requestId, personId, purpose, cancellationToken) is not { } text)
        {
            return;
        }

        var adapter = platforms.FirstOrDefault(p => p.Platform == platform);
        if (adapter is not null && platformUserId is not null && channel is not null)
        {
            await adapter.SendEphemeralAsync(platformUserId, channel, text, cancellationToken);
        }
        else
        {
            await notifications.SendDirectAsync(person, platform, text, cancellationToken);
        }
    }

    /// <summary>Tells a person an admin approved or refused their new second factor; a refusal they did not expect is a warning.</summary>
    public async Task TellEnrollmentDecidedAsync(string personId, string adminId, bool approved, ChatPlatform platform, CancellationToken cancellationToken)
    {
        if (directory.FindPerson(personId) is { } person)
        {
            await notifications.SendDirectAsync(person, platform, approved
                ? $"{adminId} approved your new second factor: you can confirm with it from now on. Confirmation links that waited for it are on their way."
                : $"{adminId} refused your new second factor, and it was removed. If you set it up yourself, enroll again with: jit enroll (and tell an admin it is you).\nIf you did not set it up, tell your security team.", cancellationToken);
        }
    }

    /// <summary>Tells a person their factor was reset, so a reset they did not ask for does not go unnoticed.</summary>
    public async Task TellResetAsync(string personId, string adminId, ChatPlatform platform, CancellationToken cancellationToken)
    {
        if (directory.FindPerson(personId) is { } person)
        {
            await notifications.SendDirectAsync(person, platform,
                $"Your second factor was reset by {adminId}. Set up a new one with: jit enroll\nIf you did not ask for this, tell your security team.", cancellationToken);
        }
    }
}
