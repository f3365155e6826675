using System.Transactions;
using Hangfire;
using Hangfire.Common;
using Npgsql;

namespace ChatOpsApprover.Jobs;

/// <summary>
/// Moves committed jobs from the outbox into Hangfire (<see cref="JobOutbox.RelayAsync"/>) on every instance: at once
/// when this instance committed some, and every second for those another instance left behind (it stopped between its
/// commit and its relay).
/// </summary>
public sealed class JobOutboxRelay(JobOutbox outbox, IJobFilterProvider filters, ILogger<JobOutboxRelay> logger) : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await outbox.RelayAsync(filters, stoppingToken) == JobOutbox.RelayBatch)
                {
                    // A full batch: there may be more.
                }

                backoff = TimeSpan.Zero;
                await outbox.WaitAsync(Poll, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException or BackgroundJobClientException or TransactionException)
            {
                backoff = backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                logger.LogWarning("Moving jobs from the outbox into Hangfire failed: {Why}; retrying in {Seconds}s", e.Message, backoff.TotalSeconds);
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
}
