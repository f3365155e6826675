using ChatOpsApprover.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ChatOpsApprover.Observability;

/// <summary>
/// Metrics through OpenTelemetry: the bot's own instruments (<see cref="JitMetrics"/>) beside ASP.NET Core's,
/// HttpClient's and Npgsql's, scraped by Prometheus at <see cref="MetricsPath"/> when Metrics:Enabled (behind
/// Metrics:Token when set), and pushed over OTLP, traces too, when OTEL_EXPORTER_OTLP_ENDPOINT is set (the exporter
/// reads the other OTEL_* variables itself). Logs: Logging:Format json writes one JSON object per line.
/// </summary>
public static class ObservabilitySetup
{
    public const string MetricsPath = "/metrics";
    public const string ServiceName = "chatops-approver";
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The meter .NET publishes its runtime metrics under (garbage collector, memory, thread pool).</summary>
    public const string RuntimeMeterName = "System.Runtime";

    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<LogFormat>(builder.Configuration.GetSection("Logging"), o => o.Validate());
        if (builder.Configuration.GetSection("Logging").Get<LogFormat>() is { IsJson: true })
        {
            // One JSON object per line, the scopes (request, platform, person) included; timestamps in UTC.
            builder.Logging.AddJsonConsole(json =>
            {
                json.IncludeScopes = true;
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffZ";
            });
        }

        services.AddValidatedOptions<MetricsOptions>(builder.Configuration.GetSection("Metrics"), o => o.Validate());
        services.AddSingleton<GrantCounts>();
        services.AddSingleton<JitMetrics>();

        var scrape = builder.Configuration.GetValue<bool>("Metrics:Enabled");
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointVariable]);
        if (!scrape && !otlp)
        {
            return builder;
        }

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithMetrics(metrics =>
            {
                // .NET's own runtime meter: the GC heap after its last collection, committed memory, the working set,
                // GC pauses and thread-pool queues (dotnet_gc_last_collection_heap_size_bytes, dotnet_process_memory_working_set_bytes…).
                metrics.AddMeter(JitMetrics.MeterName, RuntimeMeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddNpgsqlInstrumentation();
                if (scrape)
                {
                    metrics.AddPrometheusExporter();
                }

                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        if (otlp)
        {
            // A span's url.path would otherwise be the raw path, and a link's path is its token.
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o => o.EnrichWithHttpResponse = (activity, response) => activity.SetTag("url.path", RequestLogScope.PathOf(response.HttpContext)))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddOtlpExporter());
        }

        return builder;
    }

    /// <summary>The request log scope; GET /metrics, only while Metrics:Enabled (401 without Metrics:Token when one is set).</summary>
    public static WebApplication MapObservability(this WebApplication app)
    {
        app.UseRequestLogScope();
        // The gauges exist from the start, whoever records first.
        app.Services.GetRequiredService<JitMetrics>();
        var options = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (!options.Enabled)
        {
            return app;
        }

        app.MapPrometheusScrapingEndpoint(MetricsPath, meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (context, next) =>
        {
            if (string.IsNullOrEmpty(options.Token) || BearerToken.IsPresentedIn(context.Request, options.Token))
            {
                await next(context);
                return;
            }

            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"metrics\"";
            await Results.Text("Send the metrics token (setting Metrics:Token) as: Authorization: Bearer <token>.", statusCode: StatusCodes.Status401Unauthorized)
                .ExecuteAsync(context);
        }), optionsName: null);
        return app;
    }
}
