using ChatOpsApprover.Chat;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Jobs;
using ChatOpsApprover.Requests;
using Hangfire;

namespace ChatOpsApprover.StepUp;

/// <summary>Writes the message that asks someone to confirm with their second factor, with a freshly minted link.</summary>
public sealed class StepUpMessenger(RequestStore requests, StepUpStore store, StepUpLinks links, MfaEnrollment enrollment, AccessDirectory directory)
{
    /// <summary>
    /// The message for <paramref name="personId"/>, with a new link (or an enrollment link when they have no factor
    /// yet); null when nothing on this request is waiting for them any more.
    /// </summary>
    public async Task<string?> PrepareAsync(long requestId, string personId, StepUpPurpose purpose, CancellationToken cancellationToken)
    {
        if (directory.FindPerson(personId) is not { } person)
        {
            return null;
        }

        await using var connection = await store.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var request = await requests.FindAsync(connection, transaction, requestId, forUpdate: false);
        if (request is null || !IsWaiting(request, personId, purpose))
        {
            return null;
        }

        var factor = await store.FindFactorAsync(connection, transaction, personId, forUpdate: false);
        string text;
        if (factor is not { Active: true })
        {
            var enroll = await enrollment.IssueEnrollmentAsync(connection, transaction, person);
            if (enroll is null)
            {
                return null;
            }

            var what = purpose == StepUpPurpose.Requester
                ? $"Your request #{request.Id} for {request.RoleName} ({DurationText.Format(request.Duration)}) was approved{ApprovedBy(request)}, but access starts only once you confirm it with your second factor"
                : $"Your approval of request #{request.Id} ({request.PersonId} asks for {request.RoleName} for {DurationText.Format(request.Duration)}) counts only once you confirm it with your second factor";
            text = $"{what}, and you have not set one up yet. Set it up here (the link works once, for {MfaEnrollment.Minutes(links.Options.EnrollmentLinkLifetime)}): {enroll}\n" +
                "As soon as you are done, a confirmation link will be sent to you.";
        }
        else
        {
            var (url, _) = await links.IssueAsync(connection, transaction, StepUpStore.ToLink(purpose), personId, requestId);
            var lifetime = MfaEnrollment.Minutes(links.Options.LinkLifetime);
            text = purpose == StepUpPurpose.Requester
                ? $"Your request #{request.Id} for {request.RoleName} ({DurationText.Format(request.Duration)}) was approved{ApprovedBy(request)}. " +
                  $"Access starts only once you confirm it with your second factor: {url}\n" +
                  $"The link works once, for {lifetime}. If it runs out, type: jit confirm {request.Id}"
                : $"Your approval of request #{request.Id} ({request.PersonId} asks for {request.RoleName} for {DurationText.Format(request.Duration)}: \"{Shorten(request.Reason)}\") " +
                  $"counts only once you confirm it with your second factor: {url}\n" +
                  $"The link works once, for {lifetime}. If it runs out, click Approve again.";
        }

        await transaction.CommitAsync(cancellationToken);
        return text;
    }

    public static bool IsWaiting(AccessRequest request, string personId, StepUpPurpose purpose) =>
        request.Status == StepUpRules.Awaits(purpose)
        && request.StepUps.Any(s => s.PersonId == personId && s.Purpose == purpose && s.State == StepUpState.Waiting);

    private static string ApprovedBy(AccessRequest request)
    {
        var approvers = request.Approvals.Select(a => a.ApproverId).ToList();
        return approvers.Count == 0 ? string.Empty : " by " + string.Join(" and ", approvers);
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}

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
