using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Telemetry;

namespace ChatOpsApprover.Grants.Webhook;

/// <summary>
/// The one HTTP client of every webhook target, configured once: each attempt is bounded by its target's Timeout;
/// 5xx, 408, 429, timeouts and refused connections are retried a few times with jittered exponential back-off. What
/// still fails is retried later by the grant job or the revocation sweep, which keep the request's state durable.
/// </summary>
public static class WebhookHttpResilience
{
    public const string ClientName = "grant-webhooks";
    public const int MaxRetries = 3;

    /// <summary>Set on each request by its target: how long one attempt may take.</summary>
    public static readonly HttpRequestOptionsKey<TimeSpan> AttemptTimeout = new("chatops-approver.webhook.attempt-timeout");

    public static IServiceCollection AddWebhookHttpClient(this IServiceCollection services)
    {
        var client = services.AddHttpClient(ClientName);

        // The pipeline bounds each attempt; HttpClient's own timeout would cut across the retries.
        client.ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan);

        // A failed call is reported once, by the grant or revocation that made it.
        client.RemoveAllLoggers();
        client.AddResilienceHandler("grant webhooks", (pipeline, context) =>
        {
            pipeline.TimeProvider = TimeProvider.System;
            var telemetry = context.ServiceProvider.GetRequiredService<IOptions<TelemetryOptions>>().Value;
            pipeline.ConfigureTelemetry(new TelemetryOptions(telemetry) { LoggerFactory = NullLoggerFactory.Instance });
            pipeline
                .AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = MaxRetries,
                    Delay = TimeSpan.FromMilliseconds(200),
                    MaxDelay = TimeSpan.FromSeconds(5),
                    ShouldHandle = args => ValueTask.FromResult(!args.Context.CancellationToken.IsCancellationRequested && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
                })
                .AddTimeout(new HttpTimeoutStrategyOptions
                {
                    TimeoutGenerator = args => ValueTask.FromResult(
                        args.Context.GetRequestMessage()?.Options.TryGetValue(AttemptTimeout, out var timeout) == true ? timeout : TimeSpan.FromSeconds(10)),
                });
        });
        return services;
    }
}
