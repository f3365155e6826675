using ChatOpsApprover.Domain;
using Npgsql;

namespace ChatOpsApprover.Grants;

/// <summary>A revocation batch whose rows are claimed (locked in <see cref="Transaction"/>) and not yet revoked.</summary>
public sealed record ClaimedBatch(NpgsqlConnection Connection, NpgsqlTransaction Transaction, List<AccessRequest> Due, DateTimeOffset Now, RevocationStepTimer Steps);
