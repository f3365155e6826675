using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ChatOpsApprover.Bench.Edge;

/// <summary>What wrk measured in one run.</summary>
public sealed record LoadResult(long Requests, double Seconds, long Errors, double P50Ms, double P99Ms, double MaxMs)
{
    public double PerSecond => Requests / Math.Max(Seconds, 0.001);
}

/// <summary>
/// Drives a server with wrk: a generated Lua script hands each thread its share of pre-signed requests (Slack's
/// signature covers a timestamp and the body, so signing ahead is what Slack's retries do too) and prints wrk's
/// counts and latency percentiles as one JSON line.
/// </summary>
public static class LoadRun
{
    /// <param name="once">Each request is sent once (clicks on distinct requests): a thread stops when its share is used up.</param>
    public static async Task<LoadResult> RunAsync(string baseUrl, IReadOnlyList<SignedRequest> requests, EdgeSettings settings, TimeSpan duration, bool once, string workFolder)
    {
        var script = Path.Combine(workFolder, $"wrk-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(script, Script(requests, settings.Threads, once));
        var start = new ProcessStartInfo("wrk")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "-t", settings.Threads.ToString(CultureInfo.InvariantCulture), "-c", settings.Connections.ToString(CultureInfo.InvariantCulture),
                     "-d", $"{Math.Max(1, (int)Math.Round(duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture)}s", "--timeout", "10s", "-s", script, baseUrl,
                 })
        {
            start.ArgumentList.Add(argument);
        }

        using var wrk = Process.Start(start) ?? throw new InvalidOperationException("wrk could not be started: install it (apt-get install -y wrk).");
        var output = wrk.StandardOutput.ReadToEndAsync();
        var error = wrk.StandardError.ReadToEndAsync();
        await wrk.WaitForExitAsync();
        File.Delete(script);
        var line = (await output).Split('\n').FirstOrDefault(l => l.StartsWith("EDGE ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"wrk printed no result (exit code {wrk.ExitCode}): {await output} {await error}");
        using var json = JsonDocument.Parse(line["EDGE ".Length..]);
        var r = json.RootElement;
        double Ms(string name) => r.GetProperty(name).GetDouble() / 1000.0;
        return new LoadResult(r.GetProperty("requests").GetInt64(), r.GetProperty("duration_us").GetDouble() / 1e6, r.GetProperty("errors").GetInt64(), Ms("p50_us"), Ms("p99_us"), Ms("max_us"));
    }

    private static string Script(IReadOnlyList<SignedRequest> requests, int threads, bool once)
    {
        var lua = new StringBuilder();
        lua.Append("local signed = {\n");
        foreach (var r in requests)
        {
            // Paths, timestamps, signatures and form bodies are URL-safe ASCII: nothing to escape in a Lua string.
            lua.Append(CultureInfo.InvariantCulture, $"  {{\"{r.Path}\", \"{r.Timestamp}\", \"{r.Signature}\", \"{r.Body}\"}},\n");
        }

        lua.Append("}\n");
        lua.Append(CultureInfo.InvariantCulture, $"local once = {(once ? "true" : "false")}\nlocal step = {threads}\n");
        lua.Append(
            """
            local count = 0
            function setup(thread)
              thread:set("first", count)
              count = count + 1
            end
            local index, exhausted
            function init(args)
              index = first + 1
            end
            function request()
              if index > #signed then
                if once then
                  exhausted = true
                  index = #signed
                else
                  index = ((index - 1) % #signed) + 1
                end
              end
              local r = signed[index]
              index = index + step
              return wrk.format("POST", r[1], {["Content-Type"] = "application/x-www-form-urlencoded", ["X-Slack-Request-Timestamp"] = r[2], ["X-Slack-Signature"] = r[3]}, r[4])
            end
            function response(status, headers, body)
              if exhausted then
                wrk.thread:stop()
              end
            end
            function done(summary, latency, requests)
              local e = summary.errors
              io.write(string.format('EDGE {"requests":%d,"duration_us":%d,"errors":%d,"p50_us":%d,"p99_us":%d,"max_us":%d}\n',
                summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
                latency:percentile(50), latency:percentile(99), latency.max))
            end

            """);
        return lua.ToString();
    }
}
