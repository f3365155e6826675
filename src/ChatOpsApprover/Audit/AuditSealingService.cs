using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatOpsApprover.Audit;

/// <summary>
/// Seals audit entries into the hash chain on every instance (<see cref="AuditLog.SealPendingAsync"/>): as soon as this
/// instance appends (the entry's transaction commits a moment later, so it keeps looking every few milliseconds until
/// appends stop), at start, every Audit:SealPollInterval for entries another instance left behind (it stopped between
/// its commit and its seal), and once more when it stops.
/// </summary>
public sealed class AuditSealingService(AuditLog audit, IOptions<AuditOptions> options, ILogger<AuditSealingService> logger) : BackgroundService
{
    /// <summary>How long after the last append this instance keeps looking for its entries' commit.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(250);

    private static readonly TimeSpan Look = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await audit.SealPendingAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException or OperationCanceledException)
        {
            // Whatever is left is sealed by the next instance to start or poll.
            logger.LogWarning("Sealing the last audit entries at shutdown failed: {Why}; the next instance seals them", e.Message);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.Zero;
        var poll = options.Value.SealPollInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SealWhileAppendingAsync(stoppingToken);
                backoff = TimeSpan.Zero;
                await audit.Appended.WaitAsync(poll, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                backoff = backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                logger.LogWarning("Sealing audit entries failed: {Why}; retrying in {Seconds}s", e.Message, backoff.TotalSeconds);
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

    /// <summary>Seals until nothing is left and nothing was appended here for <see cref="Settle"/>.</summary>
    private async Task SealWhileAppendingAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await audit.HasUnsealedAsync(cancellationToken) && await audit.SealPendingAsync(cancellationToken) > 0)
            {
                continue;
            }

            if (Environment.TickCount64 - audit.Appended.LastRaisedAt > Settle.TotalMilliseconds)
            {
                return;
            }

            await Task.Delay(Look, cancellationToken);
        }
    }
}
