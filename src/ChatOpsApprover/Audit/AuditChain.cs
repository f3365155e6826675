using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ChatOpsApprover.Audit;

/// <summary>
/// The hash chain over jit.audit_log. Each entry's hash is the lowercase hex SHA-256 of the UTF-8 bytes of its
/// canonical form, a JSON object with sorted keys and no whitespace (RFC 8785 style), which includes the previous
/// entry's hash:
/// <c>{"actor":…,"at":"yyyy-MM-ddTHH:mm:ss.ffffffZ","details":{…},"event":…,"id":N,"platform":…,"prev_hash":…,"request_id":N|null}</c>.
/// The first entry's prev_hash is 64 zeros. README.md ("Audit trail") spells the rules out so an auditor can
/// recompute every hash without this code; the 0002_audit migration holds the same rules in SQL (jit.audit_canonical).
/// </summary>
public static class AuditChain
{
    public static readonly string GenesisHash = new('0', 64);

    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    /// <summary>PostgreSQL keeps microseconds; the hash must cover exactly what is stored, so times are cut to them first.</summary>
    public static DateTimeOffset Normalize(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % 10), TimeSpan.Zero);
    }

    public static string FormatTime(DateTimeOffset at) => at.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static string Hash(string canonical) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));

    /// <summary>The canonical form of an entry being written (details are a string map).</summary>
    public static string Canonical(long id, DateTimeOffset at, string @event, long? requestId, string actor, string platform, IReadOnlyDictionary<string, string> details, string prevHash) =>
        Write(id, at, @event, requestId, actor, platform, prevHash, text =>
        {
            text.Append('{');
            var first = true;
            foreach (var (key, value) in details.OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                if (!first)
                {
                    text.Append(',');
                }

                first = false;
                WriteString(text, key);
                text.Append(':');
                WriteString(text, value);
            }

            text.Append('}');
        });

    /// <summary>The canonical form of a stored entry, with its details as read back from jsonb.</summary>
    public static string Canonical(AuditRecord record) =>
        Write(record.Id, record.At, record.Event, record.RequestId, record.Actor, record.Platform, record.PrevHash, text =>
        {
            using var details = JsonDocument.Parse(record.DetailsJson);
            WriteValue(text, details.RootElement);
        });

    private static string Write(long id, DateTimeOffset at, string @event, long? requestId, string actor, string platform, string prevHash, Action<StringBuilder> writeDetails)
    {
        var text = new StringBuilder(256);
        text.Append("{\"actor\":");
        WriteString(text, actor);
        text.Append(",\"at\":\"").Append(FormatTime(at)).Append("\",\"details\":");
        writeDetails(text);
        text.Append(",\"event\":");
        WriteString(text, @event);
        text.Append(",\"id\":").Append(id.ToString(CultureInfo.InvariantCulture));
        text.Append(",\"platform\":");
        WriteString(text, platform);
        text.Append(",\"prev_hash\":");
        WriteString(text, prevHash);
        text.Append(",\"request_id\":").Append(requestId is { } r ? r.ToString(CultureInfo.InvariantCulture) : "null");
        return text.Append('}').ToString();
    }

    private static void WriteValue(StringBuilder text, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                text.Append('{');
                var first = true;
                foreach (var property in value.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    if (!first)
                    {
                        text.Append(',');
                    }

                    first = false;
                    WriteString(text, property.Name);
                    text.Append(':');
                    WriteValue(text, property.Value);
                }

                text.Append('}');
                break;
            case JsonValueKind.Array:
                text.Append('[');
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (index++ > 0)
                    {
                        text.Append(',');
                    }

                    WriteValue(text, item);
                }

                text.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(text, value.GetString()!);
                break;
            default:
                // Numbers, true, false and null as PostgreSQL wrote them. The bot itself only writes strings.
                text.Append(value.GetRawText());
                break;
        }
    }

    /// <summary>JSON string escaping with nothing optional: only ", \ and control characters are escaped (RFC 8785).</summary>
    private static void WriteString(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\b':
                    text.Append("\\b");
                    break;
                case '\f':
                    text.Append("\\f");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                case '\r':
                    text.Append("\\r");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                case < ' ':
                    text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }

        text.Append('"');
    }
}
