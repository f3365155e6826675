namespace ChatOpsApprover.IntegrationTests.Infrastructure;

/// <summary>Settings of one more role for a test host: bob approves it in the approval channel, with no step-up.</summary>
public static class RoleSettings
{
    public static void AddRole(this Dictionary<string, string?> settings, string role, string target, string grant, string description)
    {
        settings[$"Roles:{role}:Description"] = description;
        settings[$"Roles:{role}:Target"] = target;
        settings[$"Roles:{role}:Grant"] = grant;
        settings[$"Roles:{role}:MaxDuration"] = "04:00:00";
        settings[$"Roles:{role}:Approvers:0"] = "bob";
        settings[$"Roles:{role}:SlackChannel"] = BotHost.ApprovalChannel;
        settings[$"Roles:{role}:StepUp"] = "None";
    }
}
