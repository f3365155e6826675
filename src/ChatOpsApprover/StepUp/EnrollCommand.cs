using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;
using Npgsql;

namespace ChatOpsApprover.StepUp;

/// <summary>jit enroll: a single-use enrollment link, unless the person already has an active second factor.</summary>
public sealed class EnrollCommand(NpgsqlDataSource dataSource, EnrollmentStart enrollment, LinkIssuer links, FactorStore factors, PasskeyOffer passkeys)
{
    public async Task<ChatReply> RunAsync(Person person, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var url = await enrollment.StartAsync(connection, transaction, person);
        if (url is null)
        {
            var factor = await factors.FindAsync(connection, transaction, person.Id, forUpdate: false);
            if (factor is { AwaitsApproval: true })
            {
                return new ChatReply("Your second factor is set up and awaits an admin's approval (asked in the audit channel); you are told here when they decide. Nothing was changed.");
            }

            if (factor is { Active: true, Totp: true, Locked: false } && passkeys.Available)
            {
                var add = await links.IssueEnrollmentAsync(connection, transaction, person.Id);
                await transaction.CommitAsync(cancellationToken);
                return new ChatReply(
                    $"You already have a second factor. To add a passkey or security key, open this link (it works once, for {links.LifetimeText(LinkKind.Enrollment)}); you confirm with a code from your authenticator app: {add}\n" +
                    "Do not share this link. To replace your second factor instead, ask an admin: jit admin reset-mfa " + person.Id);
            }

            return new ChatReply("You already have a second factor. To replace it (a new phone, a lost app), ask an admin to reset it with: jit admin reset-mfa " + person.Id);
        }

        await transaction.CommitAsync(cancellationToken);
        return new ChatReply(
            $"Set up your second factor here (the link works once, for {links.LifetimeText(LinkKind.Enrollment)}): {url}\n" +
            "You will scan a QR code with an authenticator app and confirm with the code it shows. Do not share this link.");
    }
}
