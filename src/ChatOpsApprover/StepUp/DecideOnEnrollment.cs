using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using Hangfire;
using Npgsql;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// An admin's answer to a new enrollment (StepUp:EnrollmentApproval = Admin), clicked on its card in the audit channel:
/// Approve makes the factor usable and sends the confirmation links that waited for it; Refuse removes the factor (with
/// its links and remembered devices and networks), so its person must enroll again. Only an admin, never on their own
/// enrollment; the same on every platform. Each outcome is one line for the clicker.
/// </summary>
public sealed class DecideOnEnrollment(
    NpgsqlDataSource dataSource,
    FactorStore factors,
    LinkStore links,
    KnownClientStore knownClients,
    EnrollmentCompletion completion,
    AuditLog audit,
    AccessDirectory directory,
    IBackgroundJobClient jobs,
    TimeProvider time)
{
    public async Task<(EnrollmentDecisionOutcome Outcome, string Message)> DecideAsync(ChatUser clicker, Guid enrollmentId, bool approve, CancellationToken cancellationToken)
    {
        var admin = directory.FindByChatUser(clicker);
        if (admin is null)
        {
            return Answer(EnrollmentDecisionOutcome.UnknownPerson, null);
        }

        if (!admin.IsAdmin)
        {
            return Answer(EnrollmentDecisionOutcome.NotAnAdmin, null);
        }

        var now = time.GetUtcNow();
        string personId;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            // Links, then the factor: the lock order of checking a code and of a reset.
            var seen = await factors.FindAwaitingAsync(connection, transaction, enrollmentId, forUpdate: false);
            if (seen is null)
            {
                return Answer(EnrollmentDecisionOutcome.NotWaiting, null);
            }

            if (seen.PersonId == admin.Id)
            {
                return Answer(EnrollmentDecisionOutcome.OwnEnrollment, seen.PersonId);
            }

            await links.LockOpenAsync(connection, transaction, seen.PersonId);
            var factor = await factors.FindAwaitingAsync(connection, transaction, enrollmentId, forUpdate: true);
            if (factor is null)
            {
                return Answer(EnrollmentDecisionOutcome.NotWaiting, null);
            }

            personId = factor.PersonId;
            if (approve)
            {
                await factors.ApproveAsync(connection, transaction, enrollmentId, admin.Id, now);
            }
            else
            {
                await links.RetireOpenAsync(connection, transaction, personId, now);
                await knownClients.ForgetAsync(connection, transaction, personId);
                await factors.DeleteAsync(connection, transaction, personId);
            }

            await audit.AppendAsync(connection, transaction, new AuditEntry(approve ? AuditEvents.MfaEnrollmentApproved : AuditEvents.MfaEnrollmentRefused, null, admin.Id, clicker.Platform, now, new Dictionary<string, string>
            {
                ["person"] = personId,
                ["enrollment"] = enrollmentId.ToString(),
            }));
            await transaction.CommitAsync(cancellationToken);
        }

        jobs.Enqueue<StepUpJobs>(j => j.TellEnrollmentDecidedAsync(personId, admin.Id, approve, clicker.Platform, CancellationToken.None));
        if (approve)
        {
            await completion.SendWaitingLinksAsync(personId);
        }

        return Answer(approve ? EnrollmentDecisionOutcome.Approved : EnrollmentDecisionOutcome.Refused, personId);
    }

    private static (EnrollmentDecisionOutcome, string) Answer(EnrollmentDecisionOutcome outcome, string? personId) => (outcome, outcome switch
    {
        EnrollmentDecisionOutcome.Approved => $"You approved {personId}'s new second factor; they can confirm with it from now on, and were told.",
        EnrollmentDecisionOutcome.Refused => $"You refused {personId}'s new second factor: it was removed, and they were told to enroll again.",
        EnrollmentDecisionOutcome.UnknownPerson => "You are not registered with this bot, so you cannot decide enrollments; nothing changed.",
        EnrollmentDecisionOutcome.NotAnAdmin => "Only an admin may approve or refuse an enrollment; nothing changed.",
        EnrollmentDecisionOutcome.OwnEnrollment => "You cannot approve or refuse your own enrollment: another admin must, so that a hijacked chat account cannot vouch for itself. Nothing changed.",
        EnrollmentDecisionOutcome.NotWaiting => "This enrollment no longer waits for a decision (another admin decided it, or it was reset or replaced); nothing changed.",
    });
}
