using ChatOpsApprover.Domain;
using ChatOpsApprover.Jobs;
using Hangfire;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// Hangfire entry point for an extension's step-up message, a chat job (<see cref="ChatJobs"/>). Keep its name and
/// parameters stable: queued jobs refer to them. No argument is secret: the link is minted inside the job.
/// </summary>
[Queue(ChatJobs.Queue)]
public sealed class ExtensionStepUpJobs(ExtensionStepUpMessenger messenger, AccessDirectory directory, NotificationJobs notifications)
{
    /// <summary>Sends the confirmation link by direct message; nothing when the extension no longer waits for the person.</summary>
    public async Task SendLinkAsync(long extensionId, string personId, ChatPlatform platform, CancellationToken cancellationToken)
    {
        if (directory.FindPerson(personId) is { } person && await messenger.PrepareAsync(extensionId, personId, cancellationToken) is { } text)
        {
            await notifications.SendDirectAsync(person, platform, text, cancellationToken);
        }
    }
}
