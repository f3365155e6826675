using ChatOpsApprover.Domain;
using Npgsql;
using NpgsqlTypes;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// The only place that reads or writes the devices and networks a person confirmed from (jit.known_devices,
/// jit.known_networks): the two are always read and written together, as one risk signal. Callers own the transaction.
/// </summary>
public sealed class KnownClientStore
{
    public async Task<StepUpRisk> RiskAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string personId, byte[]? deviceHash, string address)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT EXISTS (SELECT 1 FROM jit.known_devices WHERE person_id = @person AND device_hash = @device),
                   EXISTS (SELECT 1 FROM jit.known_networks WHERE person_id = @person AND address = @address)
            """, connection, transaction);
        command.Parameters.AddWithValue("person", personId);
        command.Parameters.Add(new NpgsqlParameter("device", NpgsqlDbType.Bytea) { Value = (object?)deviceHash ?? DBNull.Value });
        command.Parameters.AddWithValue("address", address);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new StepUpRisk(NewDevice: deviceHash is null || !reader.GetBoolean(0), NewNetwork: !reader.GetBoolean(1));
    }

    public async Task RememberAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string personId, byte[] deviceHash, string address, DateTimeOffset now)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var device = new NpgsqlBatchCommand(
            "INSERT INTO jit.known_devices (person_id, device_hash, first_seen, last_seen) VALUES ($1, $2, $3, $3) ON CONFLICT (person_id, device_hash) DO UPDATE SET last_seen = excluded.last_seen");
        device.Parameters.Add(new NpgsqlParameter { Value = personId });
        device.Parameters.Add(new NpgsqlParameter { Value = deviceHash });
        device.Parameters.Add(new NpgsqlParameter { Value = now });
        batch.BatchCommands.Add(device);
        var network = new NpgsqlBatchCommand(
            "INSERT INTO jit.known_networks (person_id, address, first_seen, last_seen) VALUES ($1, $2, $3, $3) ON CONFLICT (person_id, address) DO UPDATE SET last_seen = excluded.last_seen");
        network.Parameters.Add(new NpgsqlParameter { Value = personId });
        network.Parameters.Add(new NpgsqlParameter { Value = address });
        network.Parameters.Add(new NpgsqlParameter { Value = now });
        batch.BatchCommands.Add(network);
        await batch.ExecuteNonQueryAsync();
    }

    /// <summary>Forgets every device and network of a person (their second factor was reset).</summary>
    public async Task ForgetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string personId)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var table in new[] { "jit.known_devices", "jit.known_networks" })
        {
            var delete = new NpgsqlBatchCommand($"DELETE FROM {table} WHERE person_id = $1");
            delete.Parameters.Add(new NpgsqlParameter { Value = personId });
            batch.BatchCommands.Add(delete);
        }

        await batch.ExecuteNonQueryAsync();
    }
}
