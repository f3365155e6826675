using Npgsql;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// The only place that reads or writes passkeys (jit.passkeys). They hang off the person's factor row, so removing the
/// factor (reset-mfa, a refused enrollment) removes them in the same statement. Callers own the transaction.
/// </summary>
public sealed class PasskeyStore
{
    private const string Columns = "credential_id, person_id, name, public_key, sign_count, user_handle, aaguid, transports, created_at, last_used_at";

    /// <summary>A person's passkeys, oldest first.</summary>
    public async Task<IReadOnlyList<StoredPasskey>> ListAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string personId)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM jit.passkeys WHERE person_id = @person ORDER BY created_at, name", connection, transaction);
        command.Parameters.AddWithValue("person", personId);
        var passkeys = new List<StoredPasskey>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            passkeys.Add(Read(reader));
        }

        return passkeys;
    }

    /// <summary>One passkey by its credential id, locked for the caller's transaction when <paramref name="forUpdate"/>.</summary>
    public async Task<StoredPasskey?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, byte[] credentialId, bool forUpdate)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns} FROM jit.passkeys WHERE credential_id = @id" + (forUpdate ? " FOR UPDATE" : string.Empty), connection, transaction);
        command.Parameters.AddWithValue("id", credentialId);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? Read(reader) : null;
    }

    /// <summary>Stores a newly registered passkey. False (nothing stored) when its credential id or its name is already taken.</summary>
    public async Task<bool> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredPasskey passkey)
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO jit.passkeys (credential_id, person_id, name, public_key, sign_count, user_handle, aaguid, transports, created_at)
            VALUES (@id, @person, @name, @key, @count, @handle, @aaguid, @transports, @now)
            ON CONFLICT DO NOTHING
            """, connection, transaction);
        command.Parameters.AddWithValue("id", passkey.CredentialId);
        command.Parameters.AddWithValue("person", passkey.PersonId);
        command.Parameters.AddWithValue("name", passkey.Name);
        command.Parameters.AddWithValue("key", passkey.PublicKey);
        command.Parameters.AddWithValue("count", (long)passkey.SignCount);
        command.Parameters.AddWithValue("handle", passkey.UserHandle);
        command.Parameters.AddWithValue("aaguid", passkey.Aaguid);
        command.Parameters.AddWithValue("transports", passkey.Transports.ToArray());
        command.Parameters.AddWithValue("now", passkey.CreatedAt);
        return await command.ExecuteNonQueryAsync() == 1;
    }

    /// <summary>A verified assertion: the counter it carried becomes the one the next must exceed.</summary>
    public async Task RecordUseAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, byte[] credentialId, uint signCount, DateTimeOffset now)
    {
        await using var command = new NpgsqlCommand("UPDATE jit.passkeys SET sign_count = @count, last_used_at = @now WHERE credential_id = @id", connection, transaction);
        command.Parameters.AddWithValue("id", credentialId);
        command.Parameters.AddWithValue("count", (long)signCount);
        command.Parameters.AddWithValue("now", now);
        await command.ExecuteNonQueryAsync();
    }

    private static StoredPasskey Read(NpgsqlDataReader reader) => new(
        reader.GetFieldValue<byte[]>(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetFieldValue<byte[]>(3),
        (uint)reader.GetInt64(4),
        reader.GetFieldValue<byte[]>(5),
        reader.GetGuid(6),
        reader.GetFieldValue<string[]>(7),
        reader.GetFieldValue<DateTimeOffset>(8),
        reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9));
}
