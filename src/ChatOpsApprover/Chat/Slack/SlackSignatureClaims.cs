namespace ChatOpsApprover.Chat.Slack;

/// <summary>
/// Sends the claims of concurrent requests together: one round trip is in flight at a time, and the claims that
/// arrive meanwhile go in the next one, all at once. A caller arriving when nothing is in flight sends at once, so a
/// quiet instance adds no delay, and a busy one pays one round trip per batch instead of one per request.
/// </summary>
public sealed class SlackSignatureClaims(SlackRequestSignatureStore store, ILogger<SlackSignatureClaims> logger)
{
    private readonly Lock _gate = new();
    private List<Pending> _gathered = [];
    private DateTimeOffset? _purgeBefore;
    private bool _sending;

    /// <summary>True when this claim is the first for its key on any instance sharing the database.</summary>
    public Task<bool> ClaimAsync(SignatureClaim claim, DateTimeOffset? purgeBefore, CancellationToken cancellationToken)
    {
        var pending = new Pending(claim);
        lock (_gate)
        {
            _gathered.Add(pending);
            _purgeBefore = purgeBefore ?? _purgeBefore;
            if (_sending)
            {
                return pending.Claimed.Task.WaitAsync(cancellationToken);
            }

            _sending = true;
        }

        // This caller sends what has gathered (itself at least) and whatever gathers while that is in flight.
        _ = SendAsync();
        return pending.Claimed.Task.WaitAsync(cancellationToken);
    }

    private async Task SendAsync()
    {
        while (true)
        {
            List<Pending> batch;
            DateTimeOffset? purgeBefore;
            lock (_gate)
            {
                if (_gathered.Count == 0)
                {
                    _sending = false;
                    return;
                }

                (batch, _gathered) = (_gathered, []);
                (purgeBefore, _purgeBefore) = (_purgeBefore, null);
            }

            try
            {
                // Not any one caller's cancellation: the others' claims ride on this round trip.
                var claimed = await store.TryClaimAsync([.. batch.Select(p => p.Claim)], purgeBefore, CancellationToken.None);
                foreach (var pending in batch)
                {
                    pending.Claimed.TrySetResult(claimed.Contains(pending.Claim.Key));
                }
            }
            catch (Exception exception)
            {
                // Nothing in the batch is known to be claimed: each caller fails its request (and may be sent again).
                logger.LogWarning("Could not claim {Count} Slack request signatures: {Error}", batch.Count, exception.Message);
                foreach (var pending in batch)
                {
                    pending.Claimed.TrySetException(exception);
                }
            }
        }
    }

    private sealed class Pending(SignatureClaim claim)
    {
        public SignatureClaim Claim { get; } = claim;

        // Asynchronous continuations: the callers go on with their requests on their own, not inside this loop.
        public TaskCompletionSource<bool> Claimed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
