namespace ChatOpsApprover.Domain;

/// <summary>
/// "Approve for less": the durations an approver may grant instead of what was asked, the usual steps below it.
/// With several approvals the shortest chosen stands (<see cref="AccessRequest.ApprovedDuration"/>).
/// </summary>
public static class ShorterDurations
{
    private static readonly TimeSpan[] Steps =
    [
        TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(2),
        TimeSpan.FromHours(4), TimeSpan.FromHours(8), TimeSpan.FromHours(12), TimeSpan.FromHours(24),
    ];

    /// <summary>The steps strictly shorter than <paramref name="requested"/>, shortest first; empty for 15 minutes or less.</summary>
    public static IReadOnlyList<TimeSpan> Below(TimeSpan requested) => Steps.Where(s => s < requested).ToArray();

    public static bool IsOffered(TimeSpan requested, TimeSpan chosen) => Below(requested).Contains(chosen);
}
