using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChatOpsApprover.Health;

/// <summary>
/// What the probes answer. /healthz: plain text, "ok" or what failed. /readyz: JSON naming every check, its state and
/// why, and listing the ones that are not ready, so an operator sees at once what holds an instance back.
/// </summary>
public static class HealthResponses
{
    public const string ReadyStatus = "ready";
    public const string NotReadyStatus = "not ready";

    public static Task WriteLivenessAsync(HttpContext context, HealthReport report)
    {
        context.RequestServices.GetRequiredService<HealthTransitions>().Record(report);
        context.Response.ContentType = "text/plain; charset=utf-8";
        var text = report.Status == HealthStatus.Healthy
            ? "ok"
            : string.Join("; ", report.Entries.Where(e => e.Value.Status == HealthStatus.Unhealthy).Select(e => Detail(e.Key, e.Value)));
        return context.Response.WriteAsync(text, context.RequestAborted);
    }

    public static async Task WriteReadinessAsync(HttpContext context, HealthReport report)
    {
        context.RequestServices.GetRequiredService<HealthTransitions>().Record(report);
        context.Response.ContentType = "application/json; charset=utf-8";

        // Read by people too (curl): an apostrophe stays one. Nothing here is embedded in HTML.
        await using var json = new Utf8JsonWriter(context.Response.Body, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteString("status", State(report.Status));
        json.WriteStartArray("notReady");
        foreach (var (name, _) in report.Entries.Where(e => e.Value.Status == HealthStatus.Unhealthy))
        {
            json.WriteStringValue(name);
        }

        json.WriteEndArray();
        json.WriteStartArray("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("status", State(entry.Status));
            json.WriteString("detail", Detail(name, entry));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }

    // A degraded check still serves (the health check middleware answers 200 for it too).
    private static string State(HealthStatus status) => status == HealthStatus.Unhealthy ? NotReadyStatus : ReadyStatus;

    /// <summary>What a check said; for one that ran out of time or threw, which of the two, without the exception's text.</summary>
    public static string Detail(string name, HealthReportEntry entry) => entry.Exception switch
    {
        OperationCanceledException => $"{name}: no answer within {HealthSetup.CheckTimeout.TotalSeconds:0} s",
        not null => $"{name}: the check failed ({entry.Exception.GetType().Name})",
        null => entry.Description ?? (entry.Status == HealthStatus.Unhealthy ? NotReadyStatus : ReadyStatus),
    };
}
