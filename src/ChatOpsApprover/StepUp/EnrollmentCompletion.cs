using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;
using Hangfire;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// Completes an enrollment once its first code was accepted: the factor becomes active, the link is used up, the
/// device and network become the person's first known ones, and confirmations that waited for the factor get their
/// links — or, with StepUp:EnrollmentApproval = Admin, the factor waits for an admin's approval from the audit channel
/// and the links follow that approval (<see cref="DecideOnEnrollment"/>).
/// </summary>
public sealed class EnrollmentCompletion(
    FactorStore factors,
    LinkStore links,
    KnownClients knownClients,
    StepUpConfirmationStore confirmations,
    RequestStore requests,
    AuditLog audit,
    IBackgroundJobClient jobs,
    IOptions<StepUpOptions> options)
{
    /// <summary>Commits the caller's transaction, which holds the link's and the factor's locks.</summary>
    /// <param name="step">The time step of the accepted code; null when the person enrolled with a passkey.</param>
    /// <param name="factor">What was enrolled, as the audit trail names it: "totp" or "passkey: &lt;name&gt;".</param>
    public async Task<LinkPageView> CompleteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredLink link, long? step, string factor, ClientInfo client, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Guid? approvalId = options.Value.Approval switch
        {
            EnrollmentApproval.None => null,
            EnrollmentApproval.Admin => Guid.NewGuid(),
        };
        await factors.ActivateAsync(connection, transaction, link.PersonId, step, approvalId, now);
        await links.MarkUsedAsync(connection, transaction, link.TokenHash, now);
        var newDevice = await knownClients.RememberAsync(connection, transaction, link.PersonId, client, now);

        // Loud either way: the audit channel posts it on its own, naming the person, where from and whether it waits.
        var details = new Dictionary<string, string>
        {
            ["person"] = link.PersonId,
            ["factor"] = factor,
            ["address"] = client.Address,
            ["device"] = newDevice is null ? "a browser seen before" : "a new browser",
            ["approval"] = approvalId is null ? "not required" : "awaiting an admin",
        };
        if (approvalId is { } id)
        {
            details["enrollment"] = id.ToString();
        }

        await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.MfaEnrolled, null, link.PersonId, ChatPlatform.Web, now, details));
        await transaction.CommitAsync(cancellationToken);

        if (approvalId is not null)
        {
            var pending = await StillWaitingForAsync(link.PersonId);
            return LinkPageViews.EnrolledAwaitingApproval(link.PersonId, pending.Select(w => w.RequestId).Distinct().ToList(), newDevice);
        }

        var waiting = await SendWaitingLinksAsync(link.PersonId);
        return LinkPageViews.Enrolled(link.PersonId, waiting, newDevice);
    }

    /// <summary>Sends a link for every confirmation that waited for this person's factor; returns their requests.</summary>
    public async Task<IReadOnlyList<long>> SendWaitingLinksAsync(string personId)
    {
        var waiting = await StillWaitingForAsync(personId);
        foreach (var (requestId, purpose, platform) in waiting)
        {
            jobs.Enqueue<StepUpJobs>(j => j.SendLinkAsync(requestId, personId, purpose, platform, null, null, CancellationToken.None));
        }

        return waiting.Select(w => w.RequestId).ToList();
    }

    /// <summary>Confirmations waiting for this person on requests that can still go ahead.</summary>
    private async Task<List<(long RequestId, StepUpPurpose Purpose, ChatPlatform Platform)>> StillWaitingForAsync(string personId)
    {
        var waiting = await confirmations.WaitingForAsync(personId);
        var statuses = await requests.StatusesAsync(waiting.Select(w => w.RequestId).Distinct().ToList());
        return waiting.Where(w => statuses.TryGetValue(w.RequestId, out var status) && status == StepUpRules.Awaits(w.Purpose)).ToList();
    }
}
