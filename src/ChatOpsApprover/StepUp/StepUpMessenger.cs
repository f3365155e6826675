using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;
using Npgsql;

namespace ChatOpsApprover.StepUp;

/// <summary>Writes the message that asks someone to confirm with their second factor, with a freshly minted link.</summary>
public sealed class StepUpMessenger(NpgsqlDataSource dataSource, RequestStore requests, FactorStore factors, LinkIssuer links, EnrollmentStart enrollment, AccessDirectory directory)
{
    /// <summary>
    /// The message for <paramref name="personId"/>, with a new link (or an enrollment link when they have no factor
    /// yet, or no link and word that their factor awaits an admin's approval); null when nothing on this request is
    /// waiting for them any more.
    /// </summary>
    public async Task<string?> PrepareAsync(long requestId, string personId, StepUpPurpose purpose, CancellationToken cancellationToken)
    {
        if (directory.FindPerson(personId) is not { } person)
        {
            return null;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var request = await requests.FindAsync(connection, transaction, requestId, forUpdate: false);
        if (request is null || !StepUpRules.IsWaitingFor(request, personId, purpose))
        {
            return null;
        }

        var factor = await factors.FindAsync(connection, transaction, personId, forUpdate: false);
        string text;
        if (factor is { AwaitsApproval: true })
        {
            // No link: it could not be used. The approval sends one (DecideOnEnrollment).
            return purpose switch
            {
                StepUpPurpose.Requester => $"Your request #{request.Id} for {request.RoleName} ({DurationText.Format(request.Duration)}) waits for you to confirm it with your second factor",
                StepUpPurpose.Approver => $"Your approval of request #{request.Id} ({request.PersonId} asks for {request.RoleName}) waits for you to confirm it with your second factor",
            } + ", but your authenticator awaits an admin's approval, so it cannot confirm anything yet. Nothing was granted. " +
                "As soon as an admin approves your enrollment (in the audit channel), a confirmation link is sent to you.";
        }

        if (factor is not { Active: true })
        {
            var enroll = await enrollment.StartAsync(connection, transaction, person);
            if (enroll is null)
            {
                return null;
            }

            var what = purpose switch
            {
                StepUpPurpose.Requester => $"Your request #{request.Id} for {request.RoleName} ({DurationText.Format(request.Duration)}) was approved{ApprovedBy(request)}, but access starts only once you confirm it with your second factor",
                StepUpPurpose.Approver => $"Your approval of request #{request.Id} ({request.PersonId} asks for {request.RoleName} for {DurationText.Format(request.Duration)}) counts only once you confirm it with your second factor",
            };
            text = $"{what}, and you have not set one up yet. Set it up here (the link works once, for {links.LifetimeText(LinkKind.Enrollment)}): {enroll}\n" +
                "As soon as you are done, a confirmation link will be sent to you.";
        }
        else
        {
            var url = await links.IssueStepUpAsync(connection, transaction, personId, requestId, purpose);
            var lifetime = links.LifetimeText(LinkKind.StepUp);
            text = purpose switch
            {
                StepUpPurpose.Requester =>
                    $"Your request #{request.Id} for {request.RoleName} ({DurationText.Format(request.Duration)}) was approved{ApprovedBy(request)}. " +
                    $"Access starts only once you confirm it with your second factor: {url}\n" +
                    $"The link works once, for {lifetime}. If it runs out, type: jit confirm {request.Id}",
                StepUpPurpose.Approver =>
                    $"Your approval of request #{request.Id} ({request.PersonId} asks for {request.RoleName} for {DurationText.Format(request.Duration)}: \"{Shorten(request.Reason)}\") " +
                    $"counts only once you confirm it with your second factor: {url}\n" +
                    $"The link works once, for {lifetime}. If it runs out, click Approve again.",
            };
        }

        await transaction.CommitAsync(cancellationToken);
        return text;
    }

    private static string ApprovedBy(AccessRequest request)
    {
        if (request.BreakGlass)
        {
            return " with break-glass (no approver needed)";
        }

        var approvers = request.Approvals.Select(a => a.ApproverId).ToList();
        return approvers.Count == 0 ? string.Empty : " by " + string.Join(" and ", approvers);
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
