using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Telemetry;

namespace ChatOpsApprover.Chat;

/// <summary>
/// How the bot calls a chat platform's API, configured once per platform client: every attempt and every call is
/// bounded in time; connection failures, timeouts, 408, 429 (after its Retry-After) and 5xx are retried with
/// jittered exponential back-off; and a circuit breaker makes calls fail at once while the platform keeps failing, so
/// an outage costs neither retry storms nor the workers that revocation and grants share the machine with.
/// </summary>
public static class ChatHttpResilience
{
    public const int MaxRetries = 4;
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The longest wait before a retry, Retry-After included (a throttled call is better retried by its job later).</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    /// <summary>Half the attempts of the last 30 s failed, and at least this many were made: the circuit opens.</summary>
    public const int BreakAfterAttempts = 8;
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(15);

    /// <param name="client">The platform's typed client.</param>
    /// <param name="api">Names the pipeline and the log lines, e.g. "Slack API".</param>
    /// <param name="alsoTransient">Failures this platform also retries, besides the common ones.</param>
    public static IHttpClientBuilder AddChatResilience(this IHttpClientBuilder client, string api, Func<Outcome<HttpResponseMessage>, bool>? alsoTransient = null)
    {
        // The pipeline bounds each attempt and the whole call; HttpClient's own timeout would cut across the retries.
        client.ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan);

        // A failed call is reported once, by whoever made it. The HttpClient factory's own logging would add a line per
        // request and a stack trace per failed attempt; Polly's telemetry (below) would do the same.
        client.RemoveAllLoggers();
        client.AddResilienceHandler(api, (pipeline, context) =>
        {
            // Waiting on a remote service is wall-clock time, whatever clock the application's rules run on.
            pipeline.TimeProvider = TimeProvider.System;

            // Metrics stay; logs go.
            var telemetry = context.ServiceProvider.GetRequiredService<IOptions<TelemetryOptions>>().Value;
            pipeline.ConfigureTelemetry(new TelemetryOptions(telemetry) { LoggerFactory = NullLoggerFactory.Instance });
            var logger = context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ChatHttpResilience).FullName!);

            // Nothing is retried once the caller gave up.
            bool Transient(Outcome<HttpResponseMessage> outcome, ResilienceContext call) =>
                !call.CancellationToken.IsCancellationRequested && (HttpClientResiliencePredicates.IsTransient(outcome) || alsoTransient?.Invoke(outcome) == true);

            var retry = new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = MaxRetries,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = MaxRetryDelay,
                ShouldHandle = args => ValueTask.FromResult(Transient(args.Outcome, args.Context)),
                OnRetry = args =>
                {
                    logger.LogDebug("{Api} call failed ({Why}); retry {Retry} in {Delay}", api, Why(args.Outcome), args.AttemptNumber + 1, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            };

            // The options read Retry-After (Slack sends whole seconds); MaxDelay does not apply to it, so it is capped here.
            var retryAfter = retry.DelayGenerator!;
            retry.DelayGenerator = async args => await retryAfter(args) is { } wait ? (wait < MaxRetryDelay ? wait : MaxRetryDelay) : null;

            // One line when the platform starts failing and one when it answers again, not one per refused call.
            var failing = 0;
            var breaker = new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = BreakAfterAttempts,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = BreakDuration,
                ShouldHandle = args => ValueTask.FromResult(Transient(args.Outcome, args.Context)),
                OnOpened = args =>
                {
                    if (Interlocked.Exchange(ref failing, 1) == 0)
                    {
                        logger.LogWarning("{Api} keeps failing ({Why}): its calls fail at once for {Seconds} s at a time, then one is tried", api, Why(args.Outcome), args.BreakDuration.TotalSeconds);
                    }

                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    if (Interlocked.Exchange(ref failing, 0) == 1)
                    {
                        logger.LogInformation("{Api} answers again", api);
                    }

                    return ValueTask.CompletedTask;
                },
            };

            pipeline
                .AddTimeout(TotalTimeout)
                .AddRetry(retry)
                .AddCircuitBreaker(breaker)
                .AddTimeout(AttemptTimeout);
        });
        return client;
    }

    private static string Why(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception?.Message ?? $"HTTP {(int)(outcome.Result?.StatusCode ?? HttpStatusCode.OK)}";
}
