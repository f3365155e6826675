namespace ChatOpsApprover.Domain;

/// <summary>
/// A role's risk signals (Roles:&lt;name&gt;:Risk). Known before approval: a duration above <see cref="LongerThan"/>,
/// the person's <see cref="FirstRequest"/> of the role; they ask for <see cref="Action"/>. Known at step-up: a
/// <see cref="NewDevice"/> or <see cref="NewNetwork"/>; they do <see cref="OnStepUp"/>.
/// </summary>
public sealed record RiskRules(TimeSpan? LongerThan, bool FirstRequest, bool NewDevice, bool NewNetwork, RiskAction Action, StepUpRiskAction OnStepUp)
{
    public static readonly RiskRules None = new(null, false, false, false, RiskAction.ExtraApproval, StepUpRiskAction.Mark);

    /// <summary>Whether any signal known before approval is watched.</summary>
    public bool WatchesRequests => LongerThan is not null || FirstRequest;

    /// <summary>"longer than 2h, first request → approver step-up; new device, new network → review".</summary>
    public string Describe()
    {
        var before = new[] { LongerThan is { } longer ? $"longer than {DurationText.Format(longer)}" : null, FirstRequest ? "first request" : null }.OfType<string>().ToArray();
        var after = new[] { NewDevice ? "new device" : null, NewNetwork ? "new network" : null }.OfType<string>().ToArray();
        var parts = new List<string>();
        if (before.Length > 0)
        {
            parts.Add($"{string.Join(", ", before)} → {PolicyWords.Of(Action)}");
        }

        if (after.Length > 0)
        {
            parts.Add($"{string.Join(", ", after)} → {PolicyWords.Of(OnStepUp)}");
        }

        return parts.Count == 0 ? "none" : string.Join("; ", parts);
    }
}
