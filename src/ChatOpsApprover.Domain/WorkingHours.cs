using System.Globalization;

namespace ChatOpsApprover.Domain;

/// <summary>
/// When a role is normally requested: on <see cref="Days"/>, from <see cref="From"/> (inclusive) to <see cref="To"/>
/// (exclusive), as clocks read in <see cref="Zone"/>, so a daylight-saving change moves the window with the local
/// clock. <see cref="From"/> is before <see cref="To"/> (a window does not cross midnight).
/// </summary>
public sealed record WorkingHours(IReadOnlySet<DayOfWeek> Days, TimeOnly From, TimeOnly To, TimeZoneInfo Zone)
{
    /// <summary>Whether <paramref name="at"/> falls inside the hours.</summary>
    public bool Contains(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, Zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        return Days.Contains(local.DayOfWeek) && time >= From && time < To;
    }

    /// <summary>The next moment at or after <paramref name="at"/> that is inside the hours; null when no day is named.</summary>
    public DateTimeOffset? NextStart(DateTimeOffset at)
    {
        if (Contains(at))
        {
            return at;
        }

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, Zone).DateTime);
        for (var i = 0; i <= 7; i++)
        {
            var day = today.AddDays(i);
            if (Days.Contains(day.DayOfWeek) && Instant(day, From) is { } start && start > at)
            {
                return start;
            }
        }

        return null;
    }

    /// <summary>"Mon–Fri 08:00–18:00 Europe/Berlin".</summary>
    public string Describe() =>
        $"{DescribeDays()} {From.ToString("HH:mm", CultureInfo.InvariantCulture)}–{To.ToString("HH:mm", CultureInfo.InvariantCulture)} {Zone.Id}";

    /// <summary>
    /// The instant the local clock of <see cref="Zone"/> reads <paramref name="time"/> on <paramref name="day"/>. A time
    /// the clock skips (spring forward) starts when the clock resumes; a time it shows twice (fall back) is the first.
    /// </summary>
    private DateTimeOffset Instant(DateOnly day, TimeOnly time)
    {
        var local = day.ToDateTime(time, DateTimeKind.Unspecified);
        while (Zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(1);
        }

        var offset = Zone.IsAmbiguousTime(local) ? Zone.GetAmbiguousTimeOffsets(local).Max() : Zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    private string DescribeDays()
    {
        var order = new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday };
        var named = order.Where(Days.Contains).ToArray();
        if (named.Length == 7)
        {
            return "every day";
        }

        // A run of consecutive days reads "Mon–Fri"; anything else lists them.
        var first = Array.IndexOf(order, named.FirstOrDefault());
        var consecutive = named.Length > 2 && named.Select((d, i) => Array.IndexOf(order, d) == first + i).All(x => x);
        return consecutive ? $"{Short(named[0])}–{Short(named[^1])}" : string.Join(", ", named.Select(Short));
    }

    private static string Short(DayOfWeek day) => day.ToString()[..3];
}
