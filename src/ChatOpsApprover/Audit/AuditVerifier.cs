using System.Data;
using System.Globalization;

namespace ChatOpsApprover.Audit;

/// <summary>Where the chain first breaks: the entry at which the walk stopped, and what is wrong there.</summary>
public sealed record AuditBreak(long EntryId, string Problem);

/// <summary>The outcome of walking the whole chain.</summary>
public sealed record AuditVerification(long EntriesChecked, long? LastId, string LastHash, AuditBreak? FirstBreak)
{
    public bool Intact => FirstBreak is null;

    public string Describe() => FirstBreak is { } broken
        ? $"The audit log is BROKEN at entry {broken.EntryId.ToString(CultureInfo.InvariantCulture)}: {broken.Problem} " +
          $"({(EntriesChecked - 1).ToString(CultureInfo.InvariantCulture)} entries before it are intact.)"
        : EntriesChecked == 0
            ? "The audit log is empty and intact."
            : $"The audit log is intact: all {EntriesChecked.ToString(CultureInfo.InvariantCulture)} entries verified. " +
              $"The newest is entry {LastId!.Value.ToString(CultureInfo.InvariantCulture)} with hash {LastHash}.";
}

/// <summary>
/// Walks jit.audit_log in id order, recomputing every hash and checking every link, and reports the first break.
/// Streams the rows: memory stays flat however long the log is.
/// </summary>
public sealed class AuditVerifier(AuditLog audit)
{
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await audit.DataSource.OpenConnectionAsync(cancellationToken);

        // One snapshot for the head and the walk, so entries appended meanwhile cannot look like a broken tail.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        if (await audit.ReadHeadAsync(connection, transaction, forUpdate: false, cancellationToken) is not (var headId, var headHash))
        {
            return new AuditVerification(0, null, AuditChain.GenesisHash, new AuditBreak(0, "the chain head (jit.audit_chain_head) is missing, so the newest entries cannot be checked."));
        }

        var expectedPrevious = AuditChain.GenesisHash;
        long? previousId = null;
        long checkedCount = 0;
        await foreach (var record in audit.ReadAllAsync(connection, transaction, cancellationToken))
        {
            checkedCount++;
            if (!string.Equals(record.PrevHash, expectedPrevious, StringComparison.Ordinal))
            {
                var problem = previousId is { } before
                    ? $"it does not follow entry {before.ToString(CultureInfo.InvariantCulture)}: its prev_hash is not that entry's hash, so entries between them were deleted or inserted, or entries were reordered."
                    : "it is the first entry but its prev_hash is not the chain's start (64 zeros), so the entries before it were deleted.";
                return new AuditVerification(checkedCount, previousId, expectedPrevious, new AuditBreak(record.Id, problem));
            }

            if (!string.Equals(record.ComputeHash(), record.Hash, StringComparison.Ordinal))
            {
                return new AuditVerification(checkedCount, previousId, expectedPrevious, new AuditBreak(record.Id, "its content was changed: it no longer matches its stored hash."));
            }

            expectedPrevious = record.Hash;
            previousId = record.Id;
        }

        if (headId != (previousId ?? 0) || !string.Equals(headHash, expectedPrevious, StringComparison.Ordinal))
        {
            var ending = previousId is { } last ? $"the log ends at entry {last.ToString(CultureInfo.InvariantCulture)}" : "the log is empty";
            return new AuditVerification(checkedCount + 1, previousId, expectedPrevious, new AuditBreak(
                headId,
                $"the newest entries are missing: the chain head records entry {headId.ToString(CultureInfo.InvariantCulture)} (hash {headHash}), but {ending}."));
        }

        return new AuditVerification(checkedCount, previousId, expectedPrevious, null);
    }
}
