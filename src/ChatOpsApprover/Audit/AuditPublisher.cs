using ChatOpsApprover.Requests;
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
public sealed class AuditPublisher(AuditLog audit, AuditPublishStore store, IEnumerable<IAuditChannel> channels, RequestStore requests, ILogger<AuditPublisher> logger)
{
    private const int BatchSize = 100;

    public IReadOnlyList<IAuditChannel> Configured { get; } = channels.Where(c => c.Channel is not null).ToList();

    /// <summary>Gives each configured platform a cursor; a newly configured channel starts after the newest entry.</summary>
    public async Task StartCursorsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await store.DataSource.OpenConnectionAsync(cancellationToken);
        foreach (var channel in Configured)
        {
            if (await store.StartCursorAsync(connection, channel.Platform, await audit.NewestIdAsync(connection, cancellationToken), cancellationToken))
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
        await using var connection = await store.DataSource.OpenConnectionAsync(cancellationToken);
        if (!await store.TryLockAsync(connection, channel.Platform, cancellationToken))
        {
            return 0;
        }

        try
        {
            var cursor = await CursorAsync(connection, channel, cancellationToken);
            var published = 0;
            while (true)
            {
                var batch = await audit.ReadAfterAsync(connection, cursor, BatchSize, cancellationToken);
                if (batch.Count == 0)
                {
                    return published;
                }

                // A request's message is rewritten once per batch, at its latest entry; every entry still gets its reply.
                var latestOfRequest = batch.Where(r => r.RequestId is not null).GroupBy(r => r.RequestId!.Value).ToDictionary(g => g.Key, g => g.Max(r => r.Id));
                foreach (var record in batch)
                {
                    var rewrite = record.RequestId is { } requestId && latestOfRequest[requestId] == record.Id;
                    await PublishOneAsync(connection, channel, record, rewrite, cancellationToken);
                    await store.AdvanceCursorAsync(connection, channel.Platform, record.Id, cancellationToken);
                    cursor = record.Id;
                    published++;
                }
            }
        }
        finally
        {
            try
            {
                await store.UnlockAsync(connection, channel.Platform);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                // A broken connection has released its session lock already.
                logger.LogDebug(e, "Releasing the audit publishing lock failed");
            }
        }
    }

    /// <summary>The platform's cursor; one that is missing (its row was removed) starts after the newest entry, as at start-up.</summary>
    private async Task<long> CursorAsync(NpgsqlConnection connection, IAuditChannel channel, CancellationToken cancellationToken)
    {
        if (await store.ReadCursorAsync(connection, channel.Platform, cancellationToken) is { } cursor)
        {
            return cursor;
        }

        await store.StartCursorAsync(connection, channel.Platform, await audit.NewestIdAsync(connection, cancellationToken), cancellationToken);
        return await store.ReadCursorAsync(connection, channel.Platform, cancellationToken)
            ?? throw new InvalidOperationException($"The audit publishing cursor of {channel.Platform} could not be created.");
    }

    private async Task PublishOneAsync(NpgsqlConnection connection, IAuditChannel channel, AuditRecord record, bool rewrite, CancellationToken cancellationToken)
    {
        if (record.RequestId is not { } requestId)
        {
            await channel.PostEventAsync(record, thread: null, cancellationToken);
            return;
        }

        var message = await store.FindMessageAsync(connection, requestId, channel.Platform, channel.Channel!, cancellationToken);
        if (message is null)
        {
            message = await channel.PostRequestAsync(await TimelineAsync(connection, requestId, record.Id, cancellationToken), cancellationToken);
            await store.SaveMessageAsync(connection, requestId, channel.Platform, channel.Channel!, message.MessageId, cancellationToken);
        }
        else if (rewrite)
        {
            await channel.UpdateRequestAsync(message, await TimelineAsync(connection, requestId, record.Id, cancellationToken), cancellationToken);
        }

        await channel.PostEventAsync(record, message, cancellationToken);
    }

    private async Task<AuditTimeline> TimelineAsync(NpgsqlConnection connection, long requestId, long upTo, CancellationToken cancellationToken)
    {
        var request = await requests.FindAsync(connection, null, requestId, forUpdate: false);
        return new AuditTimeline(requestId, request, await audit.ReadOfRequestAsync(connection, requestId, upTo, cancellationToken));
    }
}
