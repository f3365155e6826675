using ChatOpsApprover.Domain;
using Npgsql;

namespace ChatOpsApprover.Audit;

/// <summary>
/// Writes who read the audit log, and what (<see cref="AuditEvents.AuditRead"/>), once the read is done: in its own
/// short transaction, so the read itself (a long export, a full verification) never waits for the chain's lock, which
/// every business transaction that appends needs, and never holds it.
/// </summary>
public sealed class AuditReadLog(AuditLog audit, TimeProvider time, ILogger<AuditReadLog> logger)
{
    /// <summary>The actor recorded for /audit/export and /audit/verify: whoever holds Audit:ExportToken.</summary>
    public const string ExportTokenHolder = "export-token";

    /// <summary>Records a read; a failure is logged (the read has happened), never thrown at the reader.</summary>
    public async Task RecordAsync(string actor, ChatPlatform platform, IReadOnlyDictionary<string, string> details)
    {
        try
        {
            // Not cancelled with the request: a reader who hangs up mid-export has still read.
            await using var connection = await audit.DataSource.OpenConnectionAsync(CancellationToken.None);
            await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
            await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.AuditRead, null, actor, platform, time.GetUtcNow(), details));
            await transaction.CommitAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            logger.LogError("A read of the audit log by {Actor} ({Via}) could not be recorded: {Error}", actor, details.GetValueOrDefault("via"), e.Message);
        }
    }
}
