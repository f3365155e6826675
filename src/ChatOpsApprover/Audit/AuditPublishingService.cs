using ChatOpsApprover.Chat;
using ChatOpsApprover.Chat.Teams;
using ChatOpsApprover.Domain;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatOpsApprover.Audit;

/// <summary>
/// Runs the publisher on every instance: at start, whenever an audit entry is committed anywhere (PostgreSQL
/// NOTIFY, raised by <see cref="AuditLog"/>), and every Audit:PublishPollInterval as a backstop.
/// </summary>
public sealed class AuditPublishingService(AuditPublisher publisher, AuditPublishStore store, IOptions<AuditOptions> options, ILogger<AuditPublishingService> logger)
    : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(options.Value.TeamsChannel) && publisher.Configured.All(c => c.Platform != TeamsChat.Key))
        {
            logger.LogWarning("Audit:TeamsChannel is set, but Teams is off (Teams:AppId is empty); nothing is published to Teams");
        }

        if (publisher.Configured.Count > 0)
        {
            await publisher.StartCursorsAsync(cancellationToken);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (publisher.Configured.Count == 0)
        {
            return;
        }

        var backoff = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // LISTEN is session state: the store's pool resets the session when this connection is handed back.
                await using var listener = await store.DataSource.OpenConnectionAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {AuditLog.NotifyChannel}", listener))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                while (!stoppingToken.IsCancellationRequested)
                {
                    try
                    {
                        await publisher.PublishPendingAsync(stoppingToken);
                        backoff = TimeSpan.Zero;
                    }
                    catch (AuditPublishException e)
                    {
                        // Chat is down or refuses: the entries wait in the log; try again later, more slowly each time.
                        backoff = Next(backoff);
                        if (ChatApiException.Summary(e) is { } why)
                        {
                            logger.LogWarning("Publishing to the audit channel failed: {Why}; retrying in {Seconds}s", why, backoff.TotalSeconds);
                        }
                        else
                        {
                            logger.LogWarning(e, "Publishing to the audit channel failed; retrying in {Seconds}s", backoff.TotalSeconds);
                        }

                        await Task.Delay(backoff, stoppingToken);
                        continue;
                    }

                    await listener.WaitAsync(options.Value.PublishPollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                backoff = Next(backoff);
                logger.LogWarning(e, "The audit channel publisher lost its database connection; retrying in {Seconds}s", backoff.TotalSeconds);
                try
                {
                    await Task.Delay(backoff, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private static TimeSpan Next(TimeSpan backoff) =>
        backoff == TimeSpan.Zero ? TimeSpan.FromSeconds(1) : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
}
