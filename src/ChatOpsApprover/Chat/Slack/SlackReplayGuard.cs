using System.Collections.Concurrent;
using ChatOpsApprover.Audit;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>
/// Refuses a Slack request whose signature was already seen: within its timestamp window a captured request passes
/// the signature check again, and would run again (a fresh enrollment link for whoever replays /jit enroll, a
/// duplicate request, someone's list). Slack itself never resends commands or clicks, so a second delivery is always
/// a replay. Signatures seen by this instance are refused from memory; the first delivery is claimed in the database,
/// which also catches a replay sent to another instance (concurrent requests' claims share one insert:
/// <see cref="SlackSignatureClaims"/>). A request whose answer reads and changes nothing is claimed in memory only
/// (<see cref="SlackReplayScope.ThisInstance"/>): its answer does not wait for the database.
/// </summary>
public sealed class SlackReplayGuard(SlackSignatureClaims claims, SignatureFailureMonitor monitor, TimeProvider time, ILogger<SlackReplayGuard> logger)
{
    private static readonly TimeSpan PurgeInterval = TimeSpan.FromMinutes(1);

    /// <summary>Longer than Slack goes on sending an event again (its last retry comes after about 5 minutes).</summary>
    private static readonly TimeSpan EnvelopeMemory = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, SeenSignature> _seen = new(StringComparer.Ordinal);
    private readonly Lock _purgeGate = new();
    private DateTimeOffset _nextPurge = DateTimeOffset.MinValue;
    private DateTimeOffset _nextForget = DateTimeOffset.MinValue;

    /// <summary>True when the request was handled before; the caller must then change nothing.</summary>
    /// <param name="validUntil">When the signature stops passing the timestamp check.</param>
    /// <param name="scope">Whether the claim must hold across instances (the database) or in this one only.</param>
    public async Task<bool> IsReplayAsync(HttpContext context, string signature, DateTimeOffset validUntil, SlackReplayScope scope)
    {
        var (claimed, seen) = scope switch
        {
            SlackReplayScope.AllInstances => await ClaimAsync(signature, validUntil, context.RequestAborted),
            SlackReplayScope.ThisInstance => ClaimHere(signature, validUntil),
        };
        if (!claimed)
        {
            Refused(context, seen);
        }

        return !claimed;
    }

    /// <summary>
    /// Claims a Socket Mode envelope by its id, across instances: false when it was handled already (Slack sends an
    /// event again when its acknowledgement was late). Envelopes carry no signature; their socket is the proof.
    /// </summary>
    public async Task<bool> TryClaimEnvelopeAsync(string envelopeId, CancellationToken cancellationToken)
    {
        var (claimed, _) = await ClaimAsync("envelope:" + envelopeId, time.GetUtcNow() + EnvelopeMemory, cancellationToken);
        return claimed;
    }

    /// <summary>
    /// Claims an Events API delivery by its event_id, across instances and whether it came over HTTP or Socket Mode:
    /// false when it was handled already (Slack retries an event whose answer was slow or failed, with a new signature).
    /// </summary>
    public async Task<bool> TryClaimEventAsync(string eventId, CancellationToken cancellationToken)
    {
        var (claimed, _) = await ClaimAsync("event:" + eventId, time.GetUtcNow() + EnvelopeMemory, cancellationToken);
        return claimed;
    }

    private async Task<(bool Claimed, SeenSignature Seen)> ClaimAsync(string key, DateTimeOffset validUntil, CancellationToken cancellationToken)
    {
        var seen = new SeenSignature(validUntil);
        if (!_seen.TryAdd(key, seen))
        {
            return (false, _seen.GetValueOrDefault(key) ?? seen);
        }

        try
        {
            return (await claims.ClaimAsync(new SignatureClaim(key, validUntil), PurgeDue(), cancellationToken), seen);
        }
        catch
        {
            // Not handled: nothing was claimed.
            _seen.TryRemove(key, out _);
            throw;
        }
    }

    /// <summary>A claim in this instance's memory only: no database round trip before the answer.</summary>
    private (bool Claimed, SeenSignature Seen) ClaimHere(string key, DateTimeOffset validUntil)
    {
        var seen = new SeenSignature(validUntil);
        if (!_seen.TryAdd(key, seen))
        {
            return (false, _seen.GetValueOrDefault(key) ?? seen);
        }

        // Claims here never reach the database's purge, so they are forgotten on their own schedule.
        if (Due(ref _nextForget) is { } now)
        {
            Forget(now);
        }

        return (true, seen);
    }

    private void Refused(HttpContext context, SeenSignature seen)
    {
        var source = context.Connection.RemoteIpAddress?.ToString();
        monitor.RecordReplay(SlackChat.Key, context.Request.Path, source);

        // Once per signature: a replay repeated a thousand times is one line, and the counter has the rest.
        if (seen.CountReplay() == 1)
        {
            logger.LogWarning("Refused a replayed Slack request to {Path} from {Source}: it was already handled", context.Request.Path.Value, source ?? "unknown");
        }
    }

    /// <summary>The purge cutoff, at most once a minute per instance; null when no purge is due.</summary>
    private DateTimeOffset? PurgeDue()
    {
        if (Due(ref _nextPurge) is not { } now)
        {
            return null;
        }

        Forget(now);
        return now;
    }

    /// <summary>Now, when <paramref name="next"/> has passed (and it moves a minute on); else null.</summary>
    private DateTimeOffset? Due(ref DateTimeOffset next)
    {
        var now = time.GetUtcNow();
        lock (_purgeGate)
        {
            if (now < next)
            {
                return null;
            }

            next = now + PurgeInterval;
            return now;
        }
    }

    /// <summary>Forgets the signatures that can no longer pass the timestamp check (and so cannot be replayed).</summary>
    private void Forget(DateTimeOffset now)
    {
        foreach (var (signature, seen) in _seen)
        {
            if (seen.ValidUntil < now)
            {
                _seen.TryRemove(signature, out _);
            }
        }
    }

    private sealed class SeenSignature(DateTimeOffset validUntil)
    {
        public DateTimeOffset ValidUntil { get; } = validUntil;

        private int _replays;

        public int CountReplay() => Interlocked.Increment(ref _replays);
    }
}
