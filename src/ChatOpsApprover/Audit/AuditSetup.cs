using ChatOpsApprover.Configuration;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Jobs;
using ChatOpsApprover.Storage;
using Hangfire;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatOpsApprover.Audit;

/// <summary>
/// The audit trail: the hash-chained log (<see cref="AuditLog"/>, its store), its verification, the SIEM export, the audit
/// channel publisher, the signature-failure monitor and "jit audit".
/// </summary>
public static class AuditSetup
{
    public const string PublishJobId = "audit-publish";

    public static IServiceCollection AddAudit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<AuditOptions>(configuration.GetSection("Audit"), o => o.Validate());
        services.AddSingleton<AuditLog>();
        // The publisher holds a session advisory lock and a LISTEN: its connections come from the pool that resets sessions.
        services.AddSingleton(sp => new AuditPublishStore(sp.GetRequiredService<SessionStateDataSource>().DataSource));
        services.AddSingleton<AuditVerifier>();
        services.AddSingleton<AuditReports>();
        services.AddSingleton<AuditReadLog>();
        services.AddSingleton<AuditPublisher>();
        services.AddSingleton<SignatureFailureMonitor>();
        services.AddHostedService<AuditSealingService>();
        services.AddHostedService<AuditPublishingService>();
        services.AddTransient<AuditJobs>();
        return services;
    }

    /// <summary>GET /audit/export and GET /audit/verify (Bearer Audit:ExportToken), and the publisher's recurring backstop.</summary>
    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        app.MapGet("/audit/export", ExportAsync);
        app.MapGet("/audit/verify", VerifyAsync);

        var recurring = app.ServiceProvider.GetRequiredService<IRecurringJobManager>();
        if (app.ServiceProvider.GetRequiredService<AuditPublisher>().Configured.Count > 0)
        {
            recurring.AddOrUpdate<AuditJobs>(PublishJobId, j => j.PublishAsync(CancellationToken.None), Cron.Minutely());
        }
        else
        {
            recurring.RemoveIfExists(PublishJobId);
        }

        return app;
    }

    private static async Task ExportAsync(HttpContext context, AuditLog audit, AuditReadLog reads, IOptions<AuditOptions> options, ILogger<AuditExportLog> logger)
    {
        if (Refused(context, options.Value) is { } refusal)
        {
            await refusal.ExecuteAsync(context);
            return;
        }

        if (!AuditExport.TryParse(context.Request.Query, out var query, out var error))
        {
            await Results.Text(error, statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(context);
            return;
        }

        context.Response.ContentType = AuditExport.ContentType(query.Format);
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{AuditExport.FileName(query)}\"";
        var outcome = "failed";
        try
        {
            var count = await AuditExport.WriteAsync(audit, query, context.Response.BodyWriter, context.RequestAborted);
            outcome = $"complete ({count.ToString(System.Globalization.CultureInfo.InvariantCulture)} entries)";
            logger.LogInformation("Exported {Count} audit entries from {From} to {To} as {Format}", count, query.From, query.To?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "the newest", query.Format);
        }
        catch (Exception e) when ((e is NpgsqlException or TimeoutException or InvalidOperationException) && !context.RequestAborted.IsCancellationRequested)
        {
            logger.LogError(e, "The audit export failed");
            if (context.Response.HasStarted)
            {
                // Cut the connection so the client cannot mistake a partial file for a complete one.
                context.Abort();
                return;
            }

            context.Response.Headers.ContentDisposition = default;
            await Results.Text("The audit log could not be read; try again.", statusCode: StatusCodes.Status503ServiceUnavailable).ExecuteAsync(context);
        }
        finally
        {
            // Once the read is done (or cut short): the export never waits for the chain's lock.
            await reads.RecordAsync(AuditReadLog.ExportTokenHolder, ChatPlatform.Web, new Dictionary<string, string>
            {
                ["via"] = "export",
                ["from"] = AuditChain.FormatTime(query.From),
                ["to"] = query.To is { } to ? AuditChain.FormatTime(to) : "newest",
                ["format"] = query.Format == ExportFormat.Csv ? "csv" : "jsonl",
                ["source"] = context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                ["outcome"] = context.RequestAborted.IsCancellationRequested ? "cut short by the reader" : outcome,
            });
        }
    }

    private static async Task<IResult> VerifyAsync(HttpContext context, AuditVerifier verifier, AuditReadLog reads, IOptions<AuditOptions> options)
    {
        if (Refused(context, options.Value) is { } refusal)
        {
            return refusal;
        }


        var result = await verifier.VerifyAsync(context.RequestAborted);
        await reads.RecordAsync(AuditReadLog.ExportTokenHolder, ChatPlatform.Web, new Dictionary<string, string>
        {
            ["via"] = "verify",
            ["to"] = $"entry {result.EntriesChecked.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            ["source"] = context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            ["outcome"] = result.Intact ? "intact" : "broken",
        });
        return Results.Json(
            new
            {
                intact = result.Intact,
                entries_checked = result.EntriesChecked,
                last_intact_id = result.LastId,
                last_intact_hash = result.LastHash,
                first_broken = result.FirstBreak is { } broken ? new { id = broken.EntryId, problem = broken.Problem } : null,
                message = result.Describe(),
            },
            statusCode: result.Intact ? StatusCodes.Status200OK : StatusCodes.Status409Conflict);
    }

    /// <summary>Null when the request carries the configured export token; otherwise the 401 to send. Fails closed.</summary>
    private static IResult? Refused(HttpContext context, AuditOptions options)
    {
        if (BearerToken.IsPresentedIn(context.Request, options.ExportToken))
        {
            return null;
        }

        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"audit\"";
        return Results.Text(
            "Send the audit export token (setting Audit:ExportToken) as: Authorization: Bearer <token>. With no token configured, the audit endpoints refuse every request.",
            statusCode: StatusCodes.Status401Unauthorized);
    }

    /// <summary>The logger category of the export.</summary>
    private sealed class AuditExportLog;
}

/// <summary>
/// Hangfire entry point of the audit channel's backstop, a chat job (<see cref="ChatJobs"/>). Keep its name stable:
/// the recurring job refers to it.
/// </summary>
[Queue(ChatJobs.Queue)]
public sealed class AuditJobs(AuditPublisher publisher)
{
    // Not retried: it runs again every minute anyway. A failure is logged once, by ChatJobFailureLog.
    [AutomaticRetry(Attempts = 0, LogEvents = false)]
    public async Task PublishAsync(CancellationToken cancellationToken) => await publisher.PublishPendingAsync(cancellationToken);
}
