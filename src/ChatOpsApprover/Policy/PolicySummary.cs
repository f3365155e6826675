using System.Text;
using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Policy;

/// <summary>Each role in words, for <c>policy check</c>: who may request, who approves and how many, hours, auto-approval, risk, step-up.</summary>
public static class PolicySummary
{
    public static string Of(AccessDirectory directory)
    {
        var text = new StringBuilder();
        foreach (var role in directory.Roles)
        {
            text.AppendLine($"{role.Name}: {(role.Description.Length > 0 ? role.Description + ", " : string.Empty)}{role.Grant} at {role.Target}, up to {DurationText.Format(role.MaxDuration)}");
            text.AppendLine($"  may request: {(role.Requesters is null ? "anyone in People" : Entries(directory, role.Requesters))}");
            text.AppendLine($"  approvers:   {(role.MayNeedApprovers ? Entries(directory, role.Approvers) : "none needed")}");
            text.AppendLine($"  approvals:   {Approvals(role)}");
            text.AppendLine($"  hours:       {(role.Hours is { } hours ? $"{hours.Describe()}; outside them: {PolicyWords.Of(role.OutsideHours)}" : "any time")}");
            text.AppendLine($"  auto-approval: {AutoApproval(role)}");
            text.AppendLine($"  risk:        {Risk(role)}");
            text.AppendLine($"  step-up:     {StepUp(role.StepUp)}{Factor(role.StepUpFactor)}");
        }

        return text.ToString();
    }

    private static string Approvals(RoleDefinition role) =>
        !role.MayNeedApprovers ? "none (auto-approved)"
        : $"{role.RequiredApprovals} by different people{(role.MayNeedExtraApproval ? $", {role.RequiredApprovals + 1} when a rule asks for one more" : string.Empty)}; pending for at most {DurationText.Format(role.PendingTimeout)}";

    private static string AutoApproval(RoleDefinition role)
    {
        if (!role.AutoApprove)
        {
            return "no";
        }

        if (role.AutoApproveLimits is not { } limits)
        {
            return "yes, every request";
        }

        var where = new[]
        {
            limits.For is { } people ? $"for {string.Join(", ", people)}" : null,
            limits.OnlyInHours ? "only in hours" : null,
            limits.MaxDuration is { } max ? $"up to {DurationText.Format(max)}" : null,
        }.OfType<string>();
        return $"yes, {string.Join(", ", where)}; otherwise the normal approval";
    }

    private static string Risk(RoleDefinition role) =>
        role.BlockRiskyStepUp ? $"{role.Risk.Describe()}; BlockRiskyStepUp: a new device or network at step-up is refused" : role.Risk.Describe();

    private static string StepUp(StepUpPolicy policy) => policy switch
    {
        StepUpPolicy.None => "nobody confirms with a second factor",
        StepUpPolicy.Requester => "the requester confirms with their second factor",
        StepUpPolicy.Approver => "approvers confirm with their second factor",
        StepUpPolicy.Both => "approvers, then the requester, confirm with their second factor",
    };

    private static string Factor(StepUpFactor factor) => factor switch
    {
        StepUpFactor.Any => string.Empty,
        StepUpFactor.Passkey => " (a passkey or security key only: StepUpFactor Passkey)",
    };

    /// <summary>"bob, dave (group:dba)": the people the entries name, and the entries when they are not just those people.</summary>
    private static string Entries(AccessDirectory directory, IReadOnlyList<string> entries)
    {
        var people = directory.PeopleIn(entries).Order(StringComparer.Ordinal).ToArray();
        var named = string.Join(", ", people);
        return people.SequenceEqual(entries) ? named : $"{(named.Length == 0 ? "nobody known yet" : named)} ({string.Join(", ", entries)})";
    }
}
