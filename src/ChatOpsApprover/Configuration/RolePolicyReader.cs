using System.Globalization;
using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Configuration;

/// <summary>
/// Turns a role's policy settings (Hours, OutsideHours, AutoApprove's object form, Risk) into the domain's rules, and
/// names every problem with its key. Used by start-up validation, by the directory and by <c>policy check</c>, so they
/// all read the same thing.
/// </summary>
public static class RolePolicyReader
{
    private static readonly Dictionary<string, DayOfWeek> DayNames = Enum.GetValues<DayOfWeek>()
        .SelectMany(d => new[] { (d.ToString(), d), (d.ToString()[..3], d) })
        .ToDictionary(p => p.Item1, p => p.Item2, StringComparer.OrdinalIgnoreCase);

    /// <summary>The role's rules as read; <paramref name="errors"/> gets every problem (and the rules then fail closed).</summary>
    public static RolePolicy Read(string key, RoleOptions role, List<string> errors)
    {
        errors.AddRange(role.ReadProblems);
        var hours = role.Hours is null ? null : ReadHours($"{key}:Hours", role.Hours, errors);

        var outsideHours = OutsideHoursAction.Refuse;
        if (role.OutsideHours is { } outside)
        {
            if (!TryEnum(outside, out outsideHours))
            {
                errors.Add($"{key}:OutsideHours: \"{outside}\" is not known; use Refuse, ExtraApproval or ApproverStepUp.");
            }
            else if (role.Hours is null)
            {
                errors.Add($"{key}:OutsideHours: set {key}:Hours too (Days, From, To, TimeZone); without hours nothing is outside them.");
            }
        }

        AutoApproveLimits? limits = null;
        if (role.AutoApproveLimits is { } auto)
        {
            limits = new AutoApproveLimits(auto.For?.ToArray(), auto.OnlyInHours, auto.MaxDuration);
            if (auto.OnlyInHours && role.Hours is null)
            {
                errors.Add($"{key}:AutoApprove:OnlyInHours: set {key}:Hours too; without hours there are none to be in.");
            }

            if (auto.MaxDuration is { } max && max <= TimeSpan.Zero)
            {
                errors.Add($"{key}:AutoApprove:MaxDuration: must be a positive time span such as 01:00:00.");
            }

            if (auto.For is { Count: 0 })
            {
                errors.Add($"{key}:AutoApprove:For: name at least one person or group:<name>, or leave For out for anyone.");
            }
        }

        return new RolePolicy(hours, outsideHours, limits, role.Risk is null ? RiskRules.None : ReadRisk($"{key}:Risk", role.Risk, errors));
    }

    private static WorkingHours? ReadHours(string key, HoursOptions hours, List<string> errors)
    {
        var count = errors.Count;
        var days = new HashSet<DayOfWeek>();
        foreach (var day in hours.Days)
        {
            if (DayNames.TryGetValue(day.Trim(), out var known))
            {
                days.Add(known);
            }
            else
            {
                errors.Add($"{key}:Days: \"{day}\" is not a day; use Mon, Tue, Wed, Thu, Fri, Sat, Sun.");
            }
        }

        if (hours.Days.Count == 0)
        {
            errors.Add($"{key}:Days: name the days the role may be requested, e.g. [ \"Mon\", \"Tue\", \"Wed\", \"Thu\", \"Fri\" ].");
        }

        var from = ReadTime($"{key}:From", hours.From, errors);
        var to = ReadTime($"{key}:To", hours.To, errors);
        if (from is not null && to is not null && from >= to)
        {
            errors.Add($"{key}:To: must be later than From ({hours.From}); a window does not cross midnight.");
        }

        TimeZoneInfo? zone = null;
        if (string.IsNullOrWhiteSpace(hours.TimeZone))
        {
            errors.Add($"{key}:TimeZone: name an IANA time zone, e.g. Europe/Berlin or UTC.");
        }
        else if (!TimeZoneInfo.TryFindSystemTimeZoneById(hours.TimeZone, out zone))
        {
            errors.Add($"{key}:TimeZone: \"{hours.TimeZone}\" is not a time zone known here; use an IANA name such as Europe/Berlin.");
        }

        return errors.Count == count ? new WorkingHours(days, from!.Value, to!.Value, zone!) : null;
    }

    private static TimeOnly? ReadTime(string key, string? text, List<string> errors)
    {
        if (TimeOnly.TryParseExact(text?.Trim(), ["HH:mm", "H:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time;
        }

        errors.Add($"{key}: \"{text}\" is not a time of day; write it as HH:mm, e.g. 08:00.");
        return null;
    }

    private static RiskRules ReadRisk(string key, RiskOptions risk, List<string> errors)
    {
        var action = RiskAction.ExtraApproval;
        var onStepUp = risk.NewDevice || risk.NewNetwork ? StepUpRiskAction.Review : StepUpRiskAction.Mark;
        var watchesRequests = risk.LongerThan is not null || risk.FirstRequest;
        var actionSet = false;
        if (risk.Action is { } text)
        {
            if (TryEnum<RiskAction>(text, out var before))
            {
                action = before;
                actionSet = true;
            }
            else if (TryStepUp(text, out var after))
            {
                onStepUp = after;
                if (watchesRequests)
                {
                    errors.Add($"{key}:Action: LongerThan and FirstRequest are known before approval and need ExtraApproval or ApproverStepUp; give NewDevice and NewNetwork theirs with {key}:StepUpAction (Block or Review).");
                }
            }
            else
            {
                errors.Add($"{key}:Action: \"{text}\" is not known; use ExtraApproval or ApproverStepUp (for LongerThan, FirstRequest), Block or Review (for NewDevice, NewNetwork).");
            }
        }

        if (watchesRequests && !actionSet && risk.Action is null)
        {
            errors.Add($"{key}:Action: say what LongerThan and FirstRequest ask for: ExtraApproval or ApproverStepUp.");
        }

        if (risk.StepUpAction is { } stepUp)
        {
            if (TryStepUp(stepUp, out var after))
            {
                onStepUp = after;
            }
            else
            {
                errors.Add($"{key}:StepUpAction: \"{stepUp}\" is not known; use Block or Review.");
            }
        }

        if (risk.LongerThan is { } longer && longer <= TimeSpan.Zero)
        {
            errors.Add($"{key}:LongerThan: must be a positive time span such as 02:00:00.");
        }

        return new RiskRules(risk.LongerThan, risk.FirstRequest, risk.NewDevice, risk.NewNetwork, action, onStepUp);
    }

    private static bool TryStepUp(string text, out StepUpRiskAction action) =>
        TryEnum(text, out action) && action != StepUpRiskAction.Mark;

    private static bool TryEnum<T>(string text, out T value)
        where T : struct, Enum =>
        Enum.TryParse(text.Trim(), ignoreCase: true, out value) && Enum.IsDefined(value) && !int.TryParse(text, out _);
}
