using System.Text;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;
using Npgsql;

namespace ChatOpsApprover.StepUp;

/// <summary>jit factors: the person's own second factors by name (the authenticator app, each passkey). Reads only.</summary>
public sealed class FactorsCommand(NpgsqlDataSource dataSource, FactorStore factors, PasskeyStore passkeys)
{
    public async Task<ChatReply> RunAsync(Person person, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var factor = await factors.FindAsync(connection, null, person.Id, forUpdate: false);
        if (factor is not { Active: true })
        {
            return new ChatReply("You have no second factor yet. Set one up (a passkey or an authenticator app) with: jit enroll");
        }

        var keys = await passkeys.ListAsync(connection, null, person.Id);
        var text = new StringBuilder("Your second factors:");
        if (factor.Totp)
        {
            text.Append("\n• totp: authenticator app (6-digit codes)");
        }

        foreach (var key in keys)
        {
            text.Append($"\n• {key.FactorLabel} (added {RequestMessages.Time(key.CreatedAt)}, ")
                .Append(key.LastUsedAt is { } used ? $"last used {RequestMessages.Time(used)})" : "not used yet)");
        }

        if (factor.AwaitsApproval)
        {
            text.Append("\nThey await an admin's approval (asked in the audit channel) before they can confirm anything.");
        }
        else if (factor.Locked)
        {
            text.Append($"\nThey are locked after too many failed confirmations; an admin can reset them with: jit admin reset-mfa {person.Id}");
        }

        return new ChatReply(text.ToString());
    }
}
