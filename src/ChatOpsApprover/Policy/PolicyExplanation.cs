using System.Globalization;
using System.Text;
using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Policy;

/// <summary>What would happen to one request, and which rules decide it, for <c>policy explain</c>.</summary>
public static class PolicyExplanation
{
    public static string Of(AccessDirectory directory, Person person, string roleName, TimeSpan duration, DateTimeOffset at, bool firstRequest)
    {
        var text = new StringBuilder();
        text.AppendLine($"{person.Id} asks for {roleName} for {DurationText.Format(duration)} at {at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}{(firstRequest ? ", their first request of it" : string.Empty)}:");

        // The same checks, in the same order, as a request made in chat.
        var user = person.Identities.Count > 0 ? new ChatUser(person.Identities.First().Key, person.Identities.First().Value) : new ChatUser(ChatPlatform.System, person.Id);
        if (AccessPolicy.CheckRequest(directory, person, user, roleName, duration) is RequestCheck.Refused refused)
        {
            text.AppendLine($"Refused: {refused.Message}");
            return text.ToString();
        }

        var role = directory.FindRole(roleName)!;
        var verdict = PolicyEvaluation.Evaluate(directory, role, new PolicyQuestion(person.Id, duration, at, firstRequest));
        switch (verdict)
        {
            case PolicyVerdict.Refused no:
                text.AppendLine($"Refused by rule {no.Rule.Rule}: {no.Message}");
                break;
            case PolicyVerdict.Allowed { AutoApproved: true }:
                text.AppendLine("Auto-approved by policy: no approver is asked.");
                break;
            case PolicyVerdict.Allowed allowed:
                var approvers = directory.ApproversOf(role).Where(p => p != person.Id).Order(StringComparer.Ordinal);
                text.AppendLine($"Sent to approvers: {role.RequiredApprovals + allowed.ExtraApprovals} approval(s) by different people among {string.Join(", ", approvers)}"
                    + (StepUpRules.ApproverMustConfirm(role) || allowed.ApproverStepUp ? "; each approver confirms with their second factor." : "."));
                break;
        }

        if (verdict is PolicyVerdict.Allowed && StepUpRules.RequesterMustConfirm(role))
        {
            text.AppendLine("Then the requester confirms with their second factor before access starts.");
        }

        if (verdict is PolicyVerdict.Allowed && (role.Risk.NewDevice || role.Risk.NewNetwork || role.BlockRiskyStepUp))
        {
            var (action, _) = PolicyEvaluation.OnStepUp(role, new StepUpRisk(role.Risk.NewDevice || role.BlockRiskyStepUp, role.Risk.NewNetwork || role.BlockRiskyStepUp));
            text.AppendLine($"A step-up from a new device or network: {PolicyWords.Of(action)}.");
        }

        text.AppendLine(verdict.Rules.Count == 0 ? "Rules: none fired; the role's plain settings decide." : "Rules:");
        foreach (var rule in verdict.Rules)
        {
            text.AppendLine($"  {rule}");
        }

        return text.ToString();
    }
}
