using System.Runtime.InteropServices;

namespace ChatOpsApprover.Hosting;

/// <summary>
/// Limits glibc's malloc to two arenas. By default it grows one arena per thread that allocates at the same time, up to
/// eight per core, and keeps what each arena freed for reuse instead of giving it back: the runtime's native memory
/// (type loading, the JIT, sockets) spread over the bot's 40-odd threads measured 15–25 MiB more resident memory
/// than with two arenas (README, "Memory with 10,000 active grants"). The bot allocates little natively, so two arenas
/// contend rarely. An operator's MALLOC_ARENA_MAX wins; on a C library without arenas (musl) this does nothing.
/// </summary>
public static class NativeHeapArenas
{
    public const int Arenas = 2;

    /// <summary>M_ARENA_MAX in glibc's malloc.h.</summary>
    private const int ArenaMaxOption = -8;

    /// <summary>Call first thing in Main: threads that allocate before it may each have made an arena already.</summary>
    public static void Limit()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is not null)
        {
            return;
        }

        try
        {
            _ = SetMallocOption(ArenaMaxOption, Arenas);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // Not glibc: nothing to limit.
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int SetMallocOption(int option, int value);
}
