using System.Text.Json;
using Npgsql;

namespace ChatOpsApprover.Audit;

/// <summary>One stored row of jit.audit_log, as written: <see cref="DetailsJson"/> is the jsonb text PostgreSQL returned.</summary>
public sealed record AuditRecord(
    long Id,
    DateTimeOffset At,
    string Event,
    long? RequestId,
    string Actor,
    string Platform,
    string DetailsJson,
    string PrevHash,
    string Hash)
{
    public const string Columns = "id, at, event, request_id, actor, platform, details::text, prev_hash, hash";

    private IReadOnlyDictionary<string, string>? _details;

    /// <summary>The details as text (the bot writes only strings; anything else is shown as its JSON).</summary>
    public IReadOnlyDictionary<string, string> Details => _details ??= ParseDetails(DetailsJson);

    public string ComputeHash() => AuditChain.Hash(AuditChain.Canonical(this));

    /// <summary>Reads a row selected with <see cref="Columns"/>.</summary>
    public static AuditRecord Read(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetFieldValue<DateTimeOffset>(1),
        reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetInt64(3),
        reader.GetString(4),
        reader.GetString(5),
        reader.GetString(6),
        reader.GetString(7),
        reader.GetString(8));

    public static async Task<List<AuditRecord>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var result = new List<AuditRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(Read(reader));
        }

        return result;
    }

    private static Dictionary<string, string> ParseDetails(string json)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return result;
        }

        foreach (var property in document.RootElement.EnumerateObject())
        {
            result[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
        }

        return result;
    }
}
