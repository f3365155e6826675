using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;
using Hangfire;
using Npgsql;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// Completes an enrollment once its first code was accepted: the factor becomes active, the link is used up, the
/// device and network become the person's first known ones, and confirmations that waited for the factor get their
/// links.
/// </summary>
public sealed class EnrollmentCompletion(
    FactorStore factors,
    LinkStore links,
    KnownClients knownClients,
    StepUpConfirmationStore confirmations,
    RequestStore requests,
    AuditLog audit,
    IBackgroundJobClient jobs)
{
    /// <summary>Commits the caller's transaction, which holds the link's and the factor's locks.</summary>
    public async Task<LinkPageView> CompleteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredLink link, long step, ClientInfo client, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await factors.ActivateAsync(connection, transaction, link.PersonId, step, now);
        await links.MarkUsedAsync(connection, transaction, link.TokenHash, now);
        var newDevice = await knownClients.RememberAsync(connection, transaction, link.PersonId, client, now);
        await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.MfaEnrolled, null, link.PersonId, ChatPlatform.Web, now, new Dictionary<string, string>
        {
            ["address"] = client.Address,
        }));
        await transaction.CommitAsync(cancellationToken);

        var waiting = await StillWaitingForAsync(link.PersonId);
        foreach (var (requestId, purpose, platform) in waiting)
        {
            jobs.Enqueue<StepUpJobs>(j => j.SendLinkAsync(requestId, link.PersonId, purpose, platform, null, null, CancellationToken.None));
        }

        return LinkPageViews.Enrolled(link.PersonId, waiting.Select(w => w.RequestId).ToList(), newDevice);
    }

    /// <summary>Confirmations waiting for this person on requests that can still go ahead.</summary>
    private async Task<List<(long RequestId, StepUpPurpose Purpose, ChatPlatform Platform)>> StillWaitingForAsync(string personId)
    {
        var waiting = await confirmations.WaitingForAsync(personId);
        var statuses = await requests.StatusesAsync(waiting.Select(w => w.RequestId).Distinct().ToList());
        return waiting.Where(w => statuses.TryGetValue(w.RequestId, out var status) && status == StepUpRules.Awaits(w.Purpose)).ToList();
    }
}
