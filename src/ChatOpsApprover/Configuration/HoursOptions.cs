namespace ChatOpsApprover.Configuration;

/// <summary>Roles:&lt;name&gt;:Hours: on which days, from when to when, on whose clock.</summary>
public sealed class HoursOptions
{
    /// <summary>Mon, Tue, … Sun (or the full names).</summary>
    public List<string> Days { get; set; } = [];

    /// <summary>Start of the day's window, "08:00".</summary>
    public string? From { get; set; }

    /// <summary>End of the day's window (exclusive), "18:00"; after From.</summary>
    public string? To { get; set; }

    /// <summary>An IANA time zone, e.g. Europe/Berlin: the clock From and To are read on, daylight saving included.</summary>
    public string? TimeZone { get; set; }
}
