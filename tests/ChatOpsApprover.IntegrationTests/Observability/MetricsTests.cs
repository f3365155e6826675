using System.Net;
using System.Net.Http.Headers;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Observability;

/// <summary>/metrics as Prometheus scrapes it from the real process, after a real flow: names, labels and values.</summary>
public sealed class MetricsTests
{
    private const string Token = "metrics-token-0123456789abcdef0123456789";

    [Fact]
    public async Task Metrics_AfterARealFlow_CountEachFact_AndOverdueRevocationsShowUntilRevoked()
    {
        await using var bot = await ObservedBot.StartAsync(new Dictionary<string, string>
        {
            ["Metrics__Enabled"] = "true",
            ["Metrics__Token"] = Token,
        });

        // Its own token, compared in full.
        using (var none = await bot.Http.GetAsync("/metrics"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
            Assert.Contains("Metrics:Token", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var wrong = await ScrapeResponseAsync(bot, Token[..^1]))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        // One bad signature, a throttled Slack call (retried), and the whole story of one request.
        using (var forged = await bot.PostSignedAsync("/slack/commands", BotHost.CommandBody("U0ALICE", "list"), signature: "v0=" + new string('0', 64)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        }

        bot.Slack.RateLimitNext("chat.postMessage", 1);
        var (id, _, _) = await bot.RequestApproveConfirmAsync();

        var granted = await ScrapeUntilAsync(bot, m =>
            m.Value("jit_grant_lag_seconds_count") == 1 && m.Value("jit_active_grants") == 1
            && m.Value("jit_chat_api_calls_total", "platform=slack", "method=chat.postMessage", "outcome=200") >= 1, "the grant in the metrics");
        Assert.Equal(1, granted.Value("jit_requests_total", "platform=slack", "outcome=sent_to_approvers"));
        Assert.Equal(1, granted.Value("jit_requests_total"));
        Assert.Equal(1, granted.Value("jit_decision_seconds_count", "outcome=approved"));
        Assert.Equal(0, granted.Value("jit_decision_seconds_count", "outcome=denied"));
        Assert.InRange(granted.Value("jit_decision_seconds_sum"), 0, 120);
        Assert.InRange(granted.Value("jit_grant_lag_seconds_sum"), 0, 60);
        Assert.Equal(1, granted.Value("jit_stepup_total", "outcome=wrong"));
        Assert.Equal(1, granted.Value("jit_stepup_total", "outcome=verified"));
        Assert.Equal(1, granted.Value("jit_signature_failures_total", "platform=slack"));
        Assert.Equal(1, granted.Value("jit_chat_api_calls_total", "platform=slack", "method=chat.postMessage", "outcome=429"));
        Assert.Equal(0, granted.Value("jit_revocations_overdue"));
        Assert.False(granted.Has("jit_revoke_lag_seconds_count"), "no revocation yet");

        // The exported names are exactly these (no unit added twice), with their help and type.
        Assert.Contains("# TYPE jit_requests_total counter", granted.Text, StringComparison.Ordinal);
        Assert.Contains("# TYPE jit_decision_seconds histogram", granted.Text, StringComparison.Ordinal);
        Assert.Contains("# TYPE jit_grant_lag_seconds histogram", granted.Text, StringComparison.Ordinal);
        Assert.Contains("# TYPE jit_active_grants gauge", granted.Text, StringComparison.Ordinal);
        Assert.Contains("# TYPE jit_revocations_overdue gauge", granted.Text, StringComparison.Ordinal);
        Assert.Contains("# TYPE jit_stepup_total counter", granted.Text, StringComparison.Ordinal);
        Assert.Contains("# TYPE jit_chat_api_calls_total counter", granted.Text, StringComparison.Ordinal);
        Assert.Contains("# TYPE jit_signature_failures_total counter", granted.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("_seconds_seconds", granted.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("_total_total", granted.Text, StringComparison.Ordinal);

        // ASP.NET Core's, HttpClient's and Npgsql's own instruments are there too.
        Assert.True(granted.Has("http_server_request_duration_seconds_count"), granted.Text);
        Assert.True(granted.Has("http_client_request_duration_seconds_count"), granted.Text);
        Assert.True(granted.Samples.Any(s => s.Name.StartsWith("db_client_", StringComparison.Ordinal)), granted.Text);

        // And .NET's runtime meter (its GC figures appear once a collection ran; the working set always).
        Assert.True(granted.Has("dotnet_process_memory_working_set_bytes"), granted.Text);

        // The target stops answering after the window ended: the grant stays active with a retry time, and is overdue.
        await bot.ScalarAsync($"UPDATE jit.access_requests SET ends_at = now() - interval '90 seconds', revoke_retry_at = now() + interval '1 hour' WHERE id = {id} RETURNING id");
        await ScrapeUntilAsync(bot, m => m.Value("jit_revocations_overdue") == 1, "the overdue revocation in the metrics");

        // It answers again: revoked, and the lag from the window's end is counted.
        await bot.ScalarAsync($"UPDATE jit.access_requests SET revoke_retry_at = NULL WHERE id = {id} RETURNING id");
        var revoked = await ScrapeUntilAsync(bot, m =>
            m.Value("jit_revoke_lag_seconds_count") == 1 && m.Value("jit_revocations_overdue") == 0 && m.Value("jit_active_grants") == 0
            && m.Value("jit_revocation_batch_rows_count") == 1, "the revocation in the metrics");
        Assert.InRange(revoked.Value("jit_revoke_lag_seconds_sum"), 90, 600);
        Assert.Contains("# TYPE jit_revoke_lag_seconds histogram", revoked.Text, StringComparison.Ordinal);

        // Where that batch's time went: one batch of one request, each of its steps timed once; its rows waited from
        // the window's end. Sweeps that claimed nothing (the backstop's, the retry's wait) are not batches.
        foreach (var step in new[] { "wait", "claim", "lock", "still_needed", "target", "status", "audit", "jobs", "commit" })
        {
            Assert.Equal(1, revoked.Value("jit_revocation_step_seconds_count", $"step={step}"));
        }

        Assert.InRange(revoked.Value("jit_revocation_step_seconds_sum", "step=wait"), 90, 600);
        Assert.InRange(revoked.Value("jit_revocation_step_seconds_sum", "step=target"), 0, 60);
        Assert.Equal(1, revoked.Value("jit_revocation_batch_rows_sum"));
        Assert.Contains("# TYPE jit_revocation_step_seconds histogram", revoked.Text, StringComparison.Ordinal);
        Assert.Contains("# TYPE jit_revocation_batch_rows histogram", revoked.Text, StringComparison.Ordinal);
        Assert.False(granted.Has("jit_revocation_batch_rows_count"), "no revocation batch before the window ended");
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.access_requests WHERE id = {id} AND status = 'expired'"));
    }

    [Fact]
    public async Task WithAnOtlpEndpointThatIsDown_TheBotStillServes_AndMetricsStayOff()
    {
        // Nothing listens on port 9: the exporters fail in the background, never in the way of a request.
        await using var bot = await ObservedBot.StartAsync(new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9" });
        Assert.Contains("prod-db-read", await bot.CommandAsync("U0ALICE", "roles"), StringComparison.Ordinal);
        using var metrics = await bot.Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.NotFound, metrics.StatusCode);
    }

    [Fact]
    public async Task Metrics_AreNotServed_UnlessEnabled()
    {
        await using var bot = await BotHost.StartAsync();
        using var response = await bot.Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static Task<HttpResponseMessage> ScrapeResponseAsync(ObservedBot bot, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return bot.Http.SendAsync(request);
    }

    /// <summary>Scrapes until <paramref name="condition"/> holds (gauges are read at most every few seconds).</summary>
    private static Task<PrometheusText> ScrapeUntilAsync(ObservedBot bot, Func<PrometheusText, bool> condition, string what) =>
        Wait.UntilAsync(async () =>
        {
            using var response = await ScrapeResponseAsync(bot, Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var metrics = new PrometheusText(await response.Content.ReadAsStringAsync());
            return condition(metrics) ? metrics : null;
        }, what);
}
