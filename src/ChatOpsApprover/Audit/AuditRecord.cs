using System.Text.Json;

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
    private IReadOnlyDictionary<string, string>? _details;

    /// <summary>The details as text (the bot writes only strings; anything else is shown as its JSON).</summary>
    public IReadOnlyDictionary<string, string> Details => _details ??= ParseDetails(DetailsJson);

    public string ComputeHash() => AuditChain.Hash(AuditChain.Canonical(this));

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
