namespace ChatOpsApprover.Domain;

/// <summary>
/// The requester's "access ends in 10 minutes" message: due <see cref="Lead"/> before the end of an active window,
/// once per end (an extension moves the end, and with it the reminder). A window that starts with less than
/// <see cref="Lead"/> to go gets none: the requester already knows how short it is.
/// </summary>
public static class EndReminder
{
    /// <summary>How long before the end the requester is reminded.</summary>
    public static readonly TimeSpan Lead = TimeSpan.FromMinutes(10);

    /// <summary>When to remind for a window ending at <paramref name="endsAt"/>, as of <paramref name="now"/>; null when it is too late for one.</summary>
    public static DateTimeOffset? DueAt(DateTimeOffset now, DateTimeOffset endsAt) => endsAt - Lead > now ? endsAt - Lead : null;
}
