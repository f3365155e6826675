using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ChatOpsApprover.Bench.Edge;

/// <summary>
/// A Slack Web API that answers every call with ok at once, so background work costs what it costs against a fast
/// Slack, and counts the calls by method (GET /counts) so the benchmark sees the work done.
/// </summary>
public static class FakeSlackApi
{
    public static async Task<int> RunAsync(int port)
    {
        var counts = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var ts = 1_700_000_000_000_000L;
        app.MapPost("/api/{method}", (string method) =>
        {
            counts.AddOrUpdate(method, 1, (_, n) => n + 1);
            var messageTs = Interlocked.Increment(ref ts);
            return method == "conversations.open"
                ? Results.Json(new { ok = true, channel = new { id = "D0BENCH" } })
                : Results.Json(new { ok = true, channel = "C0BENCH", ts = $"{messageTs / 1_000_000}.{messageTs % 1_000_000:D6}" });
        });
        app.MapGet("/counts", () => Results.Json(counts.ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal)));
        await app.RunAsync();
        return 0;
    }
}
