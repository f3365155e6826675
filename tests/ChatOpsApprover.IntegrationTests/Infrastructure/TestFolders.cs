using System.Diagnostics;
using ChatOpsApprover.Storage;

namespace ChatOpsApprover.IntegrationTests.Infrastructure;

/// <summary>
/// Every folder a test run makes for a PostgreSQL cluster lives under one root and starts with the run's process id.
/// A run that is killed, or whose test host is ended before its exit handlers finish, leaves its cluster behind
/// (a full run's is a few GB); the next run stops every leftover whose process is gone and removes its folder, and so
/// does test.sh after each run. Folders of runs still going (other worktrees, say) are left alone.
/// </summary>
public static class TestFolders
{
    public static string Root { get; } = Path.Combine(Path.GetTempPath(), "chatops-tests");

    private static readonly Lazy<Task> LeftoversRemoved = new(RemoveLeftoversAsync);

    /// <summary>A new folder name for this run (not created), once the leftovers of earlier runs are gone.</summary>
    public static async Task<string> NewAsync(string kind)
    {
        await LeftoversRemoved.Value;
        return Path.Combine(Root, $"{Environment.ProcessId}-{kind}-{Guid.NewGuid():N}");
    }

    private static async Task RemoveLeftoversAsync()
    {
        if (!Directory.Exists(Root))
        {
            return;
        }

        foreach (var folder in Directory.GetDirectories(Root))
        {
            if (!int.TryParse(Path.GetFileName(folder).Split('-')[0], out var processId) || IsRunning(processId))
            {
                continue;
            }

            await LocalPostgresCluster.StopLeftoverAsync(folder);
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another run removes it at the same moment, or a file is still held: the next run tries again.
            }
        }
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
