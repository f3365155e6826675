using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ChatOpsApprover.Audit;

public enum ExportFormat
{
    JsonLines,
    Csv,
}

/// <summary>A time range of the audit log: <see cref="From"/> inclusive, <see cref="To"/> exclusive (null: no end).</summary>
public sealed record ExportQuery(DateTimeOffset From, DateTimeOffset? To, ExportFormat Format);

/// <summary>
/// The SIEM export: every entry of a time range as JSON Lines or CSV, in chain order, with its hashes. Rows go from
/// the audit log's streaming read (<see cref="AuditLog.ReadRangeAsync"/>) straight to the response, so a year of events
/// never sits in memory.
/// </summary>
public static class AuditExport
{
    public const string Usage =
        "Write it as GET /audit/export?from=2026-01-01&to=2026-02-01&format=jsonl (or format=csv). " +
        "from is required and inclusive; to is exclusive, and without it the export runs to the newest entry. Each is a date (midnight UTC) or a " +
        "date and time with Z or an offset, e.g. 2026-01-31T18:00:00Z.";

    private static readonly string[] CsvColumns = ["id", "at", "event", "request_id", "actor", "platform", "details", "prev_hash", "hash"];
    private static readonly string[] Parameters = ["from", "to", "format"];
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    public static bool TryParse(IQueryCollection query, out ExportQuery result, out string error)
    {
        result = null!;
        if (query.Keys.FirstOrDefault(k => !Parameters.Contains(k, StringComparer.Ordinal)) is { } unknown)
        {
            error = $"Unknown parameter \"{Shorten(unknown)}\". {Usage}";
            return false;
        }

        if (query.Any(p => p.Value.Count > 1))
        {
            error = $"Give each parameter once. {Usage}";
            return false;
        }

        if (string.IsNullOrWhiteSpace(query["from"]))
        {
            error = $"from is required. {Usage}";
            return false;
        }

        if (!TryParseTime(query["from"]!, out var from, out error))
        {
            return false;
        }

        DateTimeOffset? to = null;
        if (!string.IsNullOrWhiteSpace(query["to"]))
        {
            if (!TryParseTime(query["to"]!, out var end, out error))
            {
                return false;
            }

            if (end <= from)
            {
                error = $"to ({AuditChain.FormatTime(end)}) must be later than from ({AuditChain.FormatTime(from)}). {Usage}";
                return false;
            }

            to = end;
        }

        var format = (query["format"].FirstOrDefault() ?? "jsonl").Trim().ToLowerInvariant();
        ExportFormat? parsed = format switch
        {
            "jsonl" or "ndjson" or "json" => ExportFormat.JsonLines,
            "csv" => ExportFormat.Csv,
            _ => null,
        };
        if (parsed is null)
        {
            error = $"format \"{Shorten(format)}\" is not known: use jsonl or csv. {Usage}";
            return false;
        }

        result = new ExportQuery(from, to, parsed.Value);
        error = string.Empty;
        return true;
    }

    private static bool TryParseTime(string text, out DateTimeOffset value, out string error)
    {
        error = string.Empty;
        text = text.Trim();
        if (DateTimeOffset.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value))
        {
            return true;
        }

        // A time without Z or an offset is ambiguous in an audit: refuse it rather than guess the zone.
        var hasZone = text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');
        if (hasZone && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out value) && text.Contains('T', StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        error = $"\"{Shorten(text)}\" is not a date (2026-01-31) or a date and time with Z or an offset (2026-01-31T18:00:00Z). {Usage}";
        return false;
    }

    public static string ContentType(ExportFormat format) => format == ExportFormat.Csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";

    public static string FileName(ExportQuery query) =>
        $"audit-{Stamp(query.From)}-{(query.To is { } to ? Stamp(to) : "newest")}.{(query.Format == ExportFormat.Csv ? "csv" : "jsonl")}";

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Streams the range to <paramref name="output"/>, flushing as it goes; returns how many entries were written.</summary>
    public static async Task<long> WriteAsync(AuditLog audit, ExportQuery query, PipeWriter output, CancellationToken cancellationToken)
    {
        // The first row is read before anything is written, so a database that cannot be read fails the request cleanly.
        await audit.SealBeforeReadAsync(cancellationToken);
        await using var records = audit.ReadRangeAsync(query.From, query.To, cancellationToken).GetAsyncEnumerator(cancellationToken);
        var more = await records.MoveNextAsync();
        if (query.Format == ExportFormat.Csv)
        {
            WriteText(output, string.Join(',', CsvColumns) + "\r\n");
        }

        long count = 0;
        using var json = new Utf8JsonWriter(output, JsonOptions);
        for (; more; more = await records.MoveNextAsync())
        {
            var record = records.Current;
            if (query.Format == ExportFormat.Csv)
            {
                WriteText(output, CsvLine(record));
            }
            else
            {
                WriteJsonLine(json, record);
                json.Flush();
                json.Reset();
                WriteText(output, "\n");
            }

            // Hand the buffered rows to the client now and then; awaiting the flush is the back-pressure.
            if (++count % 256 == 0)
            {
                await output.FlushAsync(cancellationToken);
            }
        }

        await output.FlushAsync(cancellationToken);
        return count;
    }

    public static string CsvLine(AuditRecord record) => string.Join(',',
        record.Id.ToString(CultureInfo.InvariantCulture),
        AuditChain.FormatTime(record.At),
        CsvField(record.Event),
        record.RequestId?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
        CsvField(record.Actor),
        CsvField(record.Platform),
        CsvField(record.DetailsJson),
        record.PrevHash,
        record.Hash) + "\r\n";

    /// <summary>RFC 4180: a field with a comma, a quote or a line break is quoted, and its quotes doubled.</summary>
    public static string CsvField(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    private static void WriteJsonLine(Utf8JsonWriter json, AuditRecord record)
    {
        json.WriteStartObject();
        json.WriteNumber("id", record.Id);
        json.WriteString("at", AuditChain.FormatTime(record.At));
        json.WriteString("event", record.Event);
        if (record.RequestId is { } requestId)
        {
            json.WriteNumber("request_id", requestId);
        }
        else
        {
            json.WriteNull("request_id");
        }

        json.WriteString("actor", record.Actor);
        json.WriteString("platform", record.Platform);
        json.WritePropertyName("details");
        json.WriteRawValue(record.DetailsJson, skipInputValidation: true);
        json.WriteString("prev_hash", record.PrevHash);
        json.WriteString("hash", record.Hash);
        json.WriteEndObject();
    }

    private static void WriteText(PipeWriter output, string text) => Encoding.UTF8.GetBytes(text, output);

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
