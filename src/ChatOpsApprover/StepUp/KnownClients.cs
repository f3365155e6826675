using ChatOpsApprover.Domain;
using Npgsql;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// The risk signals of a code: whether it came from a device and a network the person has confirmed from before, and
/// remembering them once a code from them is accepted.
/// </summary>
public sealed class KnownClients(KnownClientStore store)
{
    public Task<StepUpRisk> RiskAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string personId, ClientInfo client) =>
        store.RiskAsync(connection, transaction, personId, client.DeviceId is null ? null : DeviceId.Hash(client.DeviceId), client.Address);

    /// <summary>
    /// Remembers the client's device and network for the person. A browser without a device id is given a new one:
    /// returned so that it goes into the browser's device cookie (null when the browser already has one).
    /// </summary>
    public async Task<string?> RememberAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string personId, ClientInfo client, DateTimeOffset now)
    {
        var device = client.DeviceId ?? DeviceId.New();
        await store.RememberAsync(connection, transaction, personId, DeviceId.Hash(device), client.Address, now);
        return client.DeviceId is null ? device : null;
    }
}
