namespace ChatOpsApprover.Hosting;

/// <summary>
/// Gives the garbage collector's spare memory back to the system once the bot has gone quiet. After a burst (a run of
/// clicks, the drift check reading every active grant) the collector keeps the memory it committed for it, often
/// several times the live heap, and an idle process allocates too little to collect again and release it: measured,
/// 45–110 MiB committed around a heap of 17–42 MiB. So once a minute, when more than 32 MiB is there to give back and
/// the minute allocated less than 64 MiB (an idle bot's polling stays well under it, measured by this release firing in
/// the memory benchmark's idle phase; a busy minute allocates more), one blocking, compacting collection in Aggressive
/// mode decommits it. Busy minutes are left alone, so the collection does not land in the middle of a burst.
/// </summary>
public sealed class IdleMemoryRelease(ILogger<IdleMemoryRelease> logger) : BackgroundService
{
    public static readonly TimeSpan CheckEvery = TimeSpan.FromMinutes(1);

    /// <summary>Committed beyond the live heap by more than this is worth a collection.</summary>
    public const long SpareWorthReleasing = 32L * 1024 * 1024;

    /// <summary>Allocated in a minute by less than this, the bot counts as quiet.</summary>
    public const long QuietAllocation = 64L * 1024 * 1024;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The machine's clock, not the application's: this is about the process, not about request windows.
        using var timer = new PeriodicTimer(CheckEvery, TimeProvider.System);
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var allocated = GC.GetTotalAllocatedBytes();
            var quiet = allocated - allocatedBefore < QuietAllocation;
            allocatedBefore = allocated;
            var info = GC.GetGCMemoryInfo();
            var spare = info.TotalCommittedBytes - info.HeapSizeBytes;
            if (!quiet || spare < SpareWorthReleasing)
            {
                continue;
            }

            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            var after = GC.GetGCMemoryInfo();
            logger.LogInformation("Quiet for a minute: released {Released} MiB the garbage collector held spare (committed {Before} MiB before, {After} MiB after)",
                (info.TotalCommittedBytes - after.TotalCommittedBytes) / 1048576, info.TotalCommittedBytes / 1048576, after.TotalCommittedBytes / 1048576);
            allocatedBefore = GC.GetTotalAllocatedBytes();
        }
    }
}
