using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;
using Hangfire;
using Npgsql;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// jit admin reset-mfa &lt;person&gt;: removes a person's second factor (the authenticator app and every passkey), with their open links and remembered devices
/// and networks, so they can enroll again. Only an admin, never on themselves; audited, and the person is told.
/// </summary>
public sealed class FactorResetCommand(
    NpgsqlDataSource dataSource,
    LinkStore links,
    FactorStore factors,
    PasskeyStore passkeys,
    KnownClientStore knownClients,
    AuditLog audit,
    AccessDirectory directory,
    IBackgroundJobClient jobs,
    TimeProvider time)
{
    public async Task<ChatReply> RunAsync(ChatUser user, Person admin, string subject, CancellationToken cancellationToken)
    {
        if (!admin.IsAdmin)
        {
            return new ChatReply("Only an admin may reset a second factor; nothing changed.");
        }

        var target = FindPerson(subject);
        if (target is null)
        {
            return new ChatReply($"There is no person \"{(subject.Length > 40 ? subject[..40] + "…" : subject)}\". Name them by their id under People, e.g. jit admin reset-mfa alice.");
        }

        if (target.Id == admin.Id)
        {
            return new ChatReply("You cannot reset your own second factor: another admin must, so that a hijacked chat session cannot swap it.");
        }

        var now = time.GetUtcNow();
        IReadOnlyList<StoredPasskey> held;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            // Links, then the factor: the lock order of checking a code, so a reset waits for (or blocks) a code being checked.
            await links.LockOpenAsync(connection, transaction, target.Id);
            var factor = await factors.FindAsync(connection, transaction, target.Id, forUpdate: true);
            if (factor is null)
            {
                return new ChatReply($"{target.Id} has no second factor to reset; they can set one up with: jit enroll");
            }

            held = await passkeys.ListAsync(connection, transaction, target.Id);
            await links.RetireOpenAsync(connection, transaction, target.Id, now);
            await knownClients.ForgetAsync(connection, transaction, target.Id);
            // Its passkeys go with it (jit.passkeys references the factor, ON DELETE CASCADE).
            await factors.DeleteAsync(connection, transaction, target.Id);
            await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.MfaReset, null, admin.Id, user.Platform, now, new Dictionary<string, string>
            {
                ["person"] = target.Id,
                ["was_active"] = factor.Active ? "true" : "false",
                ["passkeys"] = held.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }));
            await transaction.CommitAsync(cancellationToken);
        }

        jobs.Enqueue<StepUpJobs>(j => j.TellResetAsync(target.Id, admin.Id, user.Platform, CancellationToken.None));
        var what = held.Count == 0 ? "second factor was" : $"second factor and its {held.Count} passkey{(held.Count == 1 ? string.Empty : "s")} were";
        return new ChatReply($"{target.Id}'s {what} removed, with their remembered devices and networks. They can set up a new one with: jit enroll");
    }

    /// <summary>By person id, or by a mention as a chat platform writes it into command text (Slack: &lt;@U…|name&gt;).</summary>
    private Person? FindPerson(string subject) => directory.FindPerson(subject.TrimStart('@')) ?? directory.FindByMention(subject);
}
