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
    /// <summary>
    /// Sends each of <paramref name="requests"/> at most once (the bot refuses a signature it has seen, as a replay):
    /// a thread stops when its share is used up, so the list must hold more than the run can send.
    /// </summary>
    public static async Task<LoadResult> RunAsync(string baseUrl, IReadOnlyList<SignedRequest> requests, EdgeSettings settings, TimeSpan duration, string workFolder)
    {
        var name = Path.Combine(workFolder, $"wrk-{Guid.NewGuid():N}");
        var script = name + ".lua";
        var data = name + ".tsv";
        // Paths, timestamps, signatures and form bodies are URL-safe ASCII without tabs.
        await File.WriteAllLinesAsync(data, requests.Select(r => $"{r.Path}\t{r.Timestamp}\t{r.Signature}\t{r.Body}"));
        await File.WriteAllTextAsync(script, Script(data, settings.Threads));
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
        File.Delete(data);
        var line = (await output).Split('\n').FirstOrDefault(l => l.StartsWith("EDGE ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"wrk printed no result (exit code {wrk.ExitCode}): {await output} {await error}");
        using var json = JsonDocument.Parse(line["EDGE ".Length..]);
        var r = json.RootElement;
        double Ms(string name) => r.GetProperty(name).GetDouble() / 1000.0;
        return new LoadResult(r.GetProperty("requests").GetInt64(), r.GetProperty("duration_us").GetDouble() / 1e6, r.GetProperty("errors").GetInt64(), Ms("p50_us"), Ms("p99_us"), Ms("max_us"));
    }

    private static string Script(string dataFile, int threads)
    {
        var lua = new StringBuilder();
        // Each thread reads its share of the signed requests (every threads-th line) from the data file.
        lua.Append(CultureInfo.InvariantCulture, $"local data = \"{dataFile}\"\nlocal step = {threads}\n");
        lua.Append(
            """
            local count = 0
            function setup(thread)
              thread:set("first", count)
              count = count + 1
            end
            local signed, index, exhausted
            function init(args)
              signed = {}
              local n = 0
              for line in io.lines(data) do
                if n % step == first then
                  local path, timestamp, signature, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
                  signed[#signed + 1] = {path, timestamp, signature, body}
                end
                n = n + 1
              end
              index = 1
            end
            function request()
              if index > #signed then
                exhausted = true
                index = #signed
              end
              local r = signed[index]
              index = index + 1
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
