using System.Globalization;

namespace ChatOpsApprover.Bench.Edge;

/// <summary>
/// CPU time of processes from /proc/&lt;pid&gt;/stat (user + system). PostgreSQL's share is its postmaster's own time, the
/// time of children it has reaped (cutime, cstime) and the time of its live children, so backends that came and went
/// between two readings are counted too.
/// </summary>
public static class CpuMeter
{
    private static readonly double MillisecondsPerTick = 1000.0 / ClockTicksPerSecond();

    /// <summary>CPU milliseconds a process has used so far.</summary>
    public static double ProcessMs(int pid) => Fields(pid) is { } f ? (f.UserTicks + f.SystemTicks) * MillisecondsPerTick : 0;

    /// <summary>CPU milliseconds of a process tree of one level: the parent, its reaped children and its live children.</summary>
    public static double TreeMs(int parentPid)
    {
        if (Fields(parentPid) is not { } parent)
        {
            return 0;
        }

        var ticks = parent.UserTicks + parent.SystemTicks + parent.ChildUserTicks + parent.ChildSystemTicks;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && pid != parentPid
                && Fields(pid) is { } child
                && child.ParentPid == parentPid)
            {
                ticks += child.UserTicks + child.SystemTicks;
            }
        }

        return ticks * MillisecondsPerTick;
    }

    /// <summary>The parent of a process (PostgreSQL's postmaster is the parent of every backend).</summary>
    public static int ParentOf(int pid) => Fields(pid)?.ParentPid ?? throw new InvalidOperationException($"Process {pid} is not running.");

    private sealed record StatFields(int ParentPid, long UserTicks, long SystemTicks, long ChildUserTicks, long ChildSystemTicks);

    private static StatFields? Fields(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // The command name may hold spaces and parentheses: fields are counted from the last ')'.
        var rest = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        long At(int field) => long.Parse(rest[field - 3], CultureInfo.InvariantCulture);
        return new StatFields((int)At(4), At(14), At(15), At(16), At(17));
    }

    private static long ClockTicksPerSecond()
    {
        try
        {
            using var getconf = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("getconf", "CLK_TCK") { RedirectStandardOutput = true })!;
            var output = getconf.StandardOutput.ReadToEnd().Trim();
            getconf.WaitForExit();
            return long.Parse(output, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or FormatException)
        {
            return 100;
        }
    }
}
