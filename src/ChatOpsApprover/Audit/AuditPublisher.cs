using ChatOpsApprover.Chat;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatOpsApprover.Audit;

/// <summary>
/// Publishes the audit log to the audit channels. It reads jit.audit_log after a stored cursor (one per platform), so
/// every kind of entry, including kinds added later, reaches the channel, and nothing is skipped: a failure stops the
/// pass and the same entry is tried again next time. One instance publishes per platform at a time (an advisory
/// lock); the others skip. It runs beside the request path, never inside it, so a slow chat API delays only the
/// channel, never a grant or a revocation. Delivery is at least once: a crash between a post and the cursor update
/// can repeat one reply.
/// </summary>
public sealed class AuditPublisher(NpgsqlDataSource dataSource, IEnumerable<IAuditChannel> channels, RequestStore store, ILogger<AuditPublisher> logger)
{
    private const int BatchSize = 100;

    public IReadOnlyList<IAuditChannel> Configured { get; } = channels.Where(c => c.Channel is not null).ToList();

    /// <summary>Gives each configured platform a cursor; a newly configured channel starts after the newest entry.</summary>
    public async Task StartCursorsAsync(CancellationToken cancellationToken)
    {
        foreach (var channel in Configured)
        {
            await using var command = dataSource.CreateCommand(
                "INSERT INTO jit.audit_publish_cursor (platform, last_id) SELECT @platform, coalesce(max(id), 0) FROM jit.audit_log ON CONFLICT (platform) DO NOTHING");
            command.Parameters.AddWithValue("platform", RequestStore.PlatformName(channel.Platform));
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                logger.LogInformation("Audit channel on {Platform} starts publishing with the next audit entry", channel.Platform);
            }
        }
    }

    /// <summary>Publishes everything not yet published on every configured channel; returns how many entries were published.</summary>
    /// <exception cref="AuditPublishException">A channel failed; what came before the failure stays published.</exception>
    public async Task<int> PublishPendingAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        List<Exception>? failures = null;
        foreach (var channel in Configured)
        {
            try
            {
                total += await PublishAsync(channel, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                (failures ??= []).Add(e);
            }
        }

        if (failures is not null)
        {
            throw new AuditPublishException(failures);
        }

        return total;
    }

    private async Task<int> PublishAsync(IAuditChannel channel, CancellationToken cancellationToken)
    {
        var platform = RequestStore.PlatformName(channel.Platform);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var tryLock = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended(@name, 0))", connection))
        {
            tryLock.Parameters.AddWithValue("name", LockName(platform));
            if (await tryLock.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return 0;
            }
        }

        try
        {
            var cursor = await ReadCursorAsync(connection, platform, cancellationToken);
            var published = 0;
            while (true)
            {
                await using var select = new NpgsqlCommand($"SELECT {AuditRecord.Columns} FROM jit.audit_log WHERE id > @cursor ORDER BY id LIMIT {BatchSize}", connection);
                select.Parameters.AddWithValue("cursor", cursor);
                var batch = await AuditRecord.ReadAllAsync(select, cancellationToken);
                if (batch.Count == 0)
                {
                    return published;
                }

                // A request's message is rewritten once per batch, at its latest entry; every entry still gets its reply.
                var latestOfRequest = batch.Where(r => r.RequestId is not null).GroupBy(r => r.RequestId!.Value).ToDictionary(g => g.Key, g => g.Max(r => r.Id));
                foreach (var record in batch)
                {
                    var rewrite = record.RequestId is { } requestId && latestOfRequest[requestId] == record.Id;
                    await PublishOneAsync(connection, channel, platform, record, rewrite, cancellationToken);
                    await using var advance = new NpgsqlCommand("UPDATE jit.audit_publish_cursor SET last_id = @id WHERE platform = @platform", connection);
                    advance.Parameters.AddWithValue("id", record.Id);
                    advance.Parameters.AddWithValue("platform", platform);
                    await advance.ExecuteNonQueryAsync(cancellationToken);
                    cursor = record.Id;
                    published++;
                }
            }
        }
        finally
        {
            try
            {
                await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended(@name, 0))", connection);
                unlock.Parameters.AddWithValue("name", LockName(platform));
                await unlock.ExecuteNonQueryAsync(CancellationToken.None);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                // A broken connection has released its session lock already.
                logger.LogDebug(e, "Releasing the audit publishing lock failed");
            }
        }
    }

    private async Task PublishOneAsync(NpgsqlConnection connection, IAuditChannel channel, string platform, AuditRecord record, bool rewrite, CancellationToken cancellationToken)
    {
        if (record.RequestId is not { } requestId)
        {
            await channel.PostEventAsync(record, thread: null, cancellationToken);
            return;
        }

        var message = await FindMessageAsync(connection, requestId, platform, channel.Channel!, cancellationToken);
        if (message is null)
        {
            message = await channel.PostRequestAsync(await TimelineAsync(connection, requestId, record.Id, cancellationToken), cancellationToken);
            await using var save = new NpgsqlCommand(
                "INSERT INTO jit.audit_messages (request_id, platform, channel, message_id) VALUES (@id, @platform, @channel, @message) ON CONFLICT DO NOTHING", connection);
            save.Parameters.AddWithValue("id", requestId);
            save.Parameters.AddWithValue("platform", platform);
            save.Parameters.AddWithValue("channel", channel.Channel!);
            save.Parameters.AddWithValue("message", message.MessageId);
            await save.ExecuteNonQueryAsync(cancellationToken);
        }
        else if (rewrite)
        {
            await channel.UpdateRequestAsync(message, await TimelineAsync(connection, requestId, record.Id, cancellationToken), cancellationToken);
        }

        await channel.PostEventAsync(record, message, cancellationToken);
    }

    private async Task<AuditTimeline> TimelineAsync(NpgsqlConnection connection, long requestId, long upTo, CancellationToken cancellationToken)
    {
        var request = await store.FindAsync(connection, null, requestId, forUpdate: false);
        await using var command = new NpgsqlCommand($"SELECT {AuditRecord.Columns} FROM jit.audit_log WHERE request_id = @id AND id <= @upTo ORDER BY id", connection);
        command.Parameters.AddWithValue("id", requestId);
        command.Parameters.AddWithValue("upTo", upTo);
        return new AuditTimeline(requestId, request, await AuditRecord.ReadAllAsync(command, cancellationToken));
    }

    private static async Task<ChatMessageRef?> FindMessageAsync(NpgsqlConnection connection, long requestId, string platform, string channel, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT message_id FROM jit.audit_messages WHERE request_id = @id AND platform = @platform AND channel = @channel", connection);
        command.Parameters.AddWithValue("id", requestId);
        command.Parameters.AddWithValue("platform", platform);
        command.Parameters.AddWithValue("channel", channel);
        return await command.ExecuteScalarAsync(cancellationToken) is string messageId
            ? new ChatMessageRef(RequestStore.ParsePlatform(platform), channel, messageId)
            : null;
    }

    private static async Task<long> ReadCursorAsync(NpgsqlConnection connection, string platform, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO jit.audit_publish_cursor (platform, last_id) SELECT @platform, coalesce(max(id), 0) FROM jit.audit_log
            ON CONFLICT (platform) DO UPDATE SET last_id = jit.audit_publish_cursor.last_id
            RETURNING last_id
            """, connection);
        command.Parameters.AddWithValue("platform", platform);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static string LockName(string platform) => $"jit.audit_publish:{platform}";
}

public sealed class AuditPublishException(IReadOnlyList<Exception> failures)
    : AggregateException("Publishing to an audit channel failed; it is retried from the same entry.", failures);

/// <summary>
/// Runs the publisher on every instance: at start, whenever an audit entry is committed anywhere (PostgreSQL
/// NOTIFY, raised by <see cref="AuditLog"/>), and every Audit:PublishPollInterval as a backstop.
/// </summary>
public sealed class AuditPublishingService(AuditPublisher publisher, NpgsqlDataSource dataSource, IOptions<AuditOptions> options, ILogger<AuditPublishingService> logger)
    : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(options.Value.TeamsChannel) && publisher.Configured.All(c => c.Platform != ChatPlatform.Teams))
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
                await using var listener = await dataSource.OpenConnectionAsync(stoppingToken);
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
