using System.Globalization;

namespace ChatOpsApprover.Domain;

/// <summary>
/// Folds a role's policy rules (working hours, auto-approval, risk) for one request: a refusal beats an extra
/// requirement (one more approval, approvers' second factor), which beats an allowance (auto-approval). Every rule that
/// fired is named with why, so the card and the audit log can say it.
/// </summary>
public static class PolicyEvaluation
{
    /// <summary>What happens to <paramref name="question"/> on <paramref name="role"/>, once the request checks (role, duration, login) passed.</summary>
    public static PolicyVerdict Evaluate(AccessDirectory directory, RoleDefinition role, PolicyQuestion question)
    {
        var rules = new List<PolicyRuleHit>();
        PolicyVerdict.Refused? refused = null;
        var extra = false;
        var approverStepUp = false;

        var inHours = role.Hours?.Contains(question.At) ?? true;
        if (role.Hours is { } hours && !inHours)
        {
            var why = $"requested {Local(hours, question.At)}, outside {hours.Describe()}";
            switch (role.OutsideHours)
            {
                case OutsideHoursAction.Refuse:
                    var hit = new PolicyRuleHit("OutsideHours", $"{why} → refused");
                    rules.Add(hit);
                    var next = hours.NextStart(question.At);
                    refused = new PolicyVerdict.Refused(hit, $"{role.Name} can be requested only {hours.Describe()} (Roles:{role.Name}:Hours); it is now {Local(hours, question.At)}. "
                        + (next is { } start ? $"Ask again from {Local(hours, start)}." : "No day is open."), rules);
                    break;
                case OutsideHoursAction.ExtraApproval:
                    extra = true;
                    rules.Add(new PolicyRuleHit("OutsideHours", $"{why} → {PolicyWords.Of(OutsideHoursAction.ExtraApproval)}"));
                    break;
                case OutsideHoursAction.ApproverStepUp:
                    approverStepUp = true;
                    rules.Add(new PolicyRuleHit("OutsideHours", $"{why} → {PolicyWords.Of(OutsideHoursAction.ApproverStepUp)}"));
                    break;
            }
        }

        var risk = role.Risk;
        if (risk.LongerThan is { } longer && question.Duration > longer)
        {
            Require(risk.Action, new PolicyRuleHit("Risk:LongerThan", $"{DurationText.Format(question.Duration)} asked, more than {DurationText.Format(longer)} → {PolicyWords.Of(risk.Action)}"));
        }

        if (risk.FirstRequest && question.FirstRequest)
        {
            Require(risk.Action, new PolicyRuleHit("Risk:FirstRequest", $"{question.PersonId}'s first request of {role.Name} → {PolicyWords.Of(risk.Action)}"));
        }

        if (refused is not null)
        {
            return refused;
        }

        var autoApproved = false;
        if (role.AutoApprove)
        {
            var notApplied = AutoApproveMisses(directory, role, question, inHours);
            if (notApplied is not null)
            {
                rules.Add(new PolicyRuleHit("AutoApprove", $"not applied: {notApplied}; normal approval"));
            }
            else if (extra || approverStepUp)
            {
                // An extra requirement beats an allowance.
                rules.Add(new PolicyRuleHit("AutoApprove", "set aside: a rule above asks for approval"));
            }
            else
            {
                autoApproved = true;
                rules.Add(new PolicyRuleHit("AutoApprove", AutoApproveReason(role, question, inHours)));
            }
        }

        return new PolicyVerdict.Allowed(autoApproved, extra ? 1 : 0, approverStepUp, rules);

        void Require(RiskAction action, PolicyRuleHit hit)
        {
            rules.Add(hit);
            switch (action)
            {
                case RiskAction.ExtraApproval:
                    extra = true;
                    break;
                case RiskAction.ApproverStepUp:
                    approverStepUp = true;
                    break;
            }
        }
    }

    /// <summary>
    /// What a valid step-up code from <paramref name="risk"/> does on <paramref name="role"/>: refused (Block, or the older
    /// BlockRiskyStepUp), granted and marked for review, or only marked; with the rule that decided it, if one did.
    /// </summary>
    public static (StepUpRiskAction Action, PolicyRuleHit? Rule) OnStepUp(RoleDefinition role, StepUpRisk risk)
    {
        if (!risk.IsRisky)
        {
            return (StepUpRiskAction.Mark, null);
        }

        if (role.BlockRiskyStepUp)
        {
            return (StepUpRiskAction.Block, new PolicyRuleHit("BlockRiskyStepUp", $"{risk.Describe()} → refused"));
        }

        var watched = new[]
        {
            role.Risk.NewDevice && risk.NewDevice ? "new device" : null,
            role.Risk.NewNetwork && risk.NewNetwork ? "new network" : null,
        }.OfType<string>().ToArray();
        if (watched.Length == 0 || role.Risk.OnStepUp == StepUpRiskAction.Mark)
        {
            return (StepUpRiskAction.Mark, null);
        }

        var rule = string.Join(", ", watched.Select(w => w == "new device" ? "Risk:NewDevice" : "Risk:NewNetwork"));
        return (role.Risk.OnStepUp, new PolicyRuleHit(rule, $"{string.Join(", ", watched)} → {PolicyWords.Of(role.Risk.OnStepUp)}"));
    }

    /// <summary>Why auto-approval does not apply to this request, or null when it does.</summary>
    private static string? AutoApproveMisses(AccessDirectory directory, RoleDefinition role, PolicyQuestion question, bool inHours)
    {
        if (role.AutoApproveLimits is not { } limits)
        {
            return null;
        }

        if (limits.For is { } people && !directory.PeopleIn(people).Contains(question.PersonId))
        {
            return $"{question.PersonId} is not among {string.Join(", ", people)}";
        }

        if (limits.OnlyInHours && !inHours)
        {
            return "outside working hours";
        }

        if (limits.MaxDuration is { } max && question.Duration > max)
        {
            return $"{DurationText.Format(question.Duration)} is longer than {DurationText.Format(max)}";
        }

        return null;
    }

    private static string AutoApproveReason(RoleDefinition role, PolicyQuestion question, bool inHours)
    {
        if (role.AutoApproveLimits is not { } limits)
        {
            return "AutoApprove is true";
        }

        var why = new[]
        {
            limits.For is { } people ? $"{question.PersonId} is among {string.Join(", ", people)}" : null,
            limits.OnlyInHours && role.Hours is { } hours && inHours ? $"inside {hours.Describe()}" : null,
            limits.MaxDuration is { } max ? $"{DurationText.Format(question.Duration)} ≤ {DurationText.Format(max)}" : null,
        }.OfType<string>();
        return string.Join(", ", why);
    }

    /// <summary>"Tue 03:12 Europe/Berlin": a moment as the role's clock shows it.</summary>
    private static string Local(WorkingHours hours, DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, hours.Zone).ToString("ddd yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " " + hours.Zone.Id;
}
