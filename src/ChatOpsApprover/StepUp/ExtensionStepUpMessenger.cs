using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;
using Npgsql;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// Writes the message that asks someone to confirm an extension with their second factor — an approver their approval,
/// or the requester their own extension — with a freshly minted link bound to that extension.
/// </summary>
public sealed class ExtensionStepUpMessenger(NpgsqlDataSource dataSource, RequestStore requests, ExtensionStore extensions, FactorStore factors, LinkIssuer links, EnrollmentStart enrollment, AccessDirectory directory)
{
    /// <summary>The message for <paramref name="personId"/>; null when the extension no longer waits for them.</summary>
    public async Task<string?> PrepareAsync(long extensionId, string personId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var extension = await extensions.FindAsync(connection, transaction, extensionId, forUpdate: false);
        var text = extension is null ? null : await PrepareAsync(connection, transaction, extension, personId);
        await transaction.CommitAsync(cancellationToken);
        return text;
    }

    /// <summary>"jit confirm &lt;request id&gt;": the message for the waiting extension of that request, when it waits for <paramref name="personId"/>.</summary>
    public async Task<string?> PrepareForRequestAsync(long requestId, string personId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var extension = await extensions.PendingOfAsync(connection, transaction, requestId);
        var text = extension is null ? null : await PrepareAsync(connection, transaction, extension, personId);
        await transaction.CommitAsync(cancellationToken);
        return text;
    }

    private async Task<string?> PrepareAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AccessExtension extension, string personId)
    {
        var person = directory.FindPerson(personId);
        var request = await requests.FindAsync(connection, transaction, extension.RequestId, forUpdate: false);
        if (person is null || request is null || !extension.AwaitsStepUpOf(personId))
        {
            return null;
        }

        var purpose = personId == request.PersonId ? StepUpPurpose.Requester : StepUpPurpose.Approver;
        var by = DurationText.Format(extension.Duration);
        var (what, renew) = purpose switch
        {
            StepUpPurpose.Requester => ($"Your extension #{extension.Id} (keep {request.RoleName} of request #{request.Id} {by} longer)", $"type: jit confirm {request.Id}"),
            StepUpPurpose.Approver => ($"Your approval of extension #{extension.Id} ({request.PersonId} asks to keep {request.RoleName} of request #{request.Id} {by} longer: \"{Shorten(request.Reason)}\")", "click Approve extension again"),
        };
        var factor = await factors.FindAsync(connection, transaction, personId, forUpdate: false);
        if (factor is { AwaitsApproval: true })
        {
            return $"{what} counts only once you confirm it with your second factor, but your authenticator awaits an admin's approval, so it cannot confirm anything yet. Nothing changed. Once an admin approves your enrollment, {renew} for a confirmation link.";
        }

        if (factor is not { Active: true })
        {
            return await enrollment.StartAsync(connection, transaction, person) is { } enroll
                ? $"{what} counts only once you confirm it with your second factor, and you have not set one up yet. Set it up here (the link works once, for {links.LifetimeText(LinkKind.Enrollment)}): {enroll}\nThen {renew} for a confirmation link."
                : null;
        }

        var url = await links.IssueExtensionStepUpAsync(connection, transaction, personId, request.Id, extension.Id, purpose);
        return $"{what} counts only once you confirm it with your second factor: {url}\nThe link works once, for {links.LifetimeText(LinkKind.StepUp)}. If it runs out, {renew}.";
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
