using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;
using Hangfire;
using Npgsql;

namespace ChatOpsApprover.StepUp;

/// <summary>Setting up and resetting second factors, as chat commands ask for it.</summary>
public sealed class MfaEnrollment(
    StepUpStore store,
    StepUpLinks links,
    FactorSecrets secrets,
    AuditLog audit,
    AccessDirectory directory,
    IBackgroundJobClient jobs,
    TimeProvider time)
{
    /// <summary>jit enroll: a single-use enrollment link, unless the person already has an active factor.</summary>
    public async Task<ChatReply> StartAsync(Person person, CancellationToken cancellationToken)
    {
        await using var connection = await store.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var url = await IssueEnrollmentAsync(connection, transaction, person);
        if (url is null)
        {
            return new ChatReply("You already have a second factor. To replace it (a new phone, a lost app), ask an admin to reset it with: jit admin reset-mfa " + person.Id);
        }

        await transaction.CommitAsync(cancellationToken);
        return new ChatReply(
            $"Set up your second factor here (the link works once, for {Minutes(links.Options.EnrollmentLinkLifetime)}): {url}\n" +
            "You will scan a QR code with an authenticator app and confirm with the code it shows. Do not share this link.");
    }

    /// <summary>
    /// Creates a fresh pending secret (replacing an unconfirmed one, whose links stop working) and its link, inside the
    /// caller's transaction. Null when the person already has an active factor.
    /// </summary>
    public async Task<Uri?> IssueEnrollmentAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Person person)
    {
        var existing = await store.FindFactorAsync(connection, transaction, person.Id, forUpdate: false);
        if (existing is { Active: true })
        {
            return null;
        }

        // Links before the factor: the same lock order as checking a code, so the two cannot deadlock. When the
        // factor turns out to be active after all, the caller's transaction is rolled back with the new link.
        var (url, _) = await links.IssueAsync(connection, transaction, LinkPurpose.Enroll, person.Id, requestId: null);
        var secret = Totp.NewSecret();
        try
        {
            return await store.SavePendingFactorAsync(connection, transaction, person.Id, secrets.Protect(person.Id, secret), time.GetUtcNow()) ? url : null;
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>jit admin reset-mfa &lt;person&gt;: only an admin, never on themselves, audited.</summary>
    public async Task<ChatReply> ResetAsync(ChatUser user, Person admin, string subject, CancellationToken cancellationToken)
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
        await using (var connection = await store.DataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            // Links, then the factor: the lock order of checking a code, so a reset waits for (or blocks) a code being checked.
            await store.LockOpenLinksAsync(connection, transaction, target.Id);
            var factor = await store.FindFactorAsync(connection, transaction, target.Id, forUpdate: true);
            if (factor is null)
            {
                return new ChatReply($"{target.Id} has no second factor to reset; they can set one up with: jit enroll");
            }

            await store.DeleteFactorAsync(connection, transaction, target.Id, now);
            await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.MfaReset, null, admin.Id, user.Platform, now, new Dictionary<string, string>
            {
                ["person"] = target.Id,
                ["was_active"] = factor.Active ? "true" : "false",
            }));
            await transaction.CommitAsync(cancellationToken);
        }

        jobs.Enqueue<StepUpJobs>(j => j.TellResetAsync(target.Id, admin.Id, user.Platform, CancellationToken.None));
        return new ChatReply($"{target.Id}'s second factor was removed, with their remembered devices and networks. They can set up a new one with: jit enroll");
    }

    /// <summary>By person id, or by a mention as a chat platform writes it into command text (Slack: &lt;@U…|name&gt;).</summary>
    private Person? FindPerson(string subject) => directory.FindPerson(subject.TrimStart('@')) ?? directory.FindByMention(subject);

    internal static string Minutes(TimeSpan span) => span.TotalMinutes switch
    {
        < 1 => $"{(int)span.TotalSeconds} seconds",
        1 => "1 minute",
        var m when m == Math.Floor(m) => $"{(int)m} minutes",
        _ => $"{span.TotalMinutes:0.#} minutes",
    };
}
