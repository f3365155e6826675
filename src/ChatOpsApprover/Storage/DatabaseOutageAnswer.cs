using Npgsql;

namespace ChatOpsApprover.Storage;

/// <summary>
/// When the database cannot be reached, a request is answered with what happened and what to do, never a bare 500:
/// a slash command gets an ephemeral reply Slack shows its sender (Slack shows nothing useful for an error status), every other
/// request 503 with Retry-After. One Warning line, without a stack trace: the outage is the news, not our code.
/// </summary>
public static class DatabaseOutageAnswer
{
    public const string SlashCommandText = "ChatOpsApprover could not reach its database, so your command may not have run. Check with jit list in a minute and try again if it is not there.";

    public const string Text = "ChatOpsApprover could not reach its database; nothing can be read or decided right now. Try again in a minute.";

    public static IApplicationBuilder UseDatabaseOutageAnswer(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseOutageAnswer).FullName!);
        return app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (Exception e) when (IsOutage(e) && !context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
            {
                logger.LogWarning("{Method} {Path} could not reach the database: {Error}", context.Request.Method, Observability.RequestLogScope.PathOf(context), e.Message);
                context.Response.Clear();
                if (context.Request.Path.StartsWithSegments("/slack/commands"))
                {
                    await Results.Json(new { response_type = "ephemeral", text = SlashCommandText }).ExecuteAsync(context);
                    return;
                }

                context.Response.Headers.RetryAfter = "60";
                await Results.Text(Text, statusCode: StatusCodes.Status503ServiceUnavailable).ExecuteAsync(context);
            }
        });
    }

    /// <summary>A connection that could not be opened or was lost (including a pool exhausted while it is down), not a bug in a statement.</summary>
    public static bool IsOutage(Exception e) => e switch
    {
        NpgsqlException { IsTransient: true } => true,
        PostgresException => false,
        NpgsqlException { InnerException: System.Net.Sockets.SocketException or IOException or TimeoutException } => true,
        TimeoutException => true,
        _ => e.InnerException is { } inner && IsOutage(inner),
    };
}
