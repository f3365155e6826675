using ChatOpsApprover.Audit;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace ChatOpsApprover.Tests.Audit;

public sealed class AuditExportTests
{
    private static IQueryCollection Query(params (string Key, string Value)[] values) =>
        new QueryCollection(values.GroupBy(v => v.Key).ToDictionary(g => g.Key, g => new StringValues(g.Select(v => v.Value).ToArray())));

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("cr\rhere", "\"cr\rhere\"")]
    public void CsvField_QuotesWhatNeedsQuoting(string value, string expected) => Assert.Equal(expected, AuditExport.CsvField(value));

    [Fact]
    public void Parse_DateOnly_IsMidnightUtc_AndWithoutToTheExportRunsToTheNewest()
    {
        Assert.True(AuditExport.TryParse(Query(("from", "2026-11-01")), out var query, out _));
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), query.From);
        Assert.Null(query.To);
        Assert.Equal(ExportFormat.JsonLines, query.Format);
    }

    [Fact]
    public void Parse_TimesWithZoneAndCsv()
    {
        Assert.True(AuditExport.TryParse(Query(("from", "2026-11-01T10:00:00+02:00"), ("to", "2026-11-02T00:00:00Z"), ("format", "csv")), out var query, out _));
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero), query.From);
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero), query.To);
        Assert.Equal(ExportFormat.Csv, query.Format);
    }

    [Theory]
    [InlineData("to=2026-11-02", "from is required")]
    [InlineData("from=yesterday", "is not a date")]
    [InlineData("from=2026-11-01T10:00:00", "with Z or an offset")]
    [InlineData("from=2026-11-02&to=2026-11-01", "must be later than from")]
    [InlineData("from=2026-11-01&format=xml", "use jsonl or csv")]
    [InlineData("from=2026-11-01&fmt=csv", "Unknown parameter \"fmt\"")]
    [InlineData("from=2026-11-01&from=2026-11-02", "once")]
    public void Parse_BadParameters_SayWhatWasWrongAndHowToWriteIt(string queryString, string expected)
    {
        var query = Query(queryString.Split('&').Select(p => p.Split('=')).Select(p => (p[0], p[1])).ToArray());
        Assert.False(AuditExport.TryParse(query, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Contains("GET /audit/export?from=", error, StringComparison.Ordinal);
    }
}
