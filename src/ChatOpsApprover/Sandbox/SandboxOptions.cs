using ChatOpsApprover.Configuration;

namespace ChatOpsApprover.Sandbox;

/// <summary>Settings under "Sandbox": the local page that plays Slack when no chat app is configured.</summary>
public sealed class SandboxOptions
{
    /// <summary>
    /// Empty: on when neither Slack:BotToken nor Teams:AppId is set, answering on loopback only. "true": on, answering
    /// any address. "false": off.
    /// </summary>
    public string? Enabled { get; set; }

    /// <summary>Slack user groups (S… ids) the sandbox's usergroups.users.list knows, each with its members' person ids.</summary>
    public Dictionary<string, List<string>> UserGroups { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Whether the sandbox runs, and for whom; or the problem with the settings, naming the key.</summary>
    public (SandboxReach Reach, string? Problem) Decide(bool chatAppConfigured)
    {
        if (string.IsNullOrWhiteSpace(Enabled))
        {
            return (chatAppConfigured ? SandboxReach.Off : SandboxReach.LoopbackOnly, null);
        }

        if (!bool.TryParse(Enabled.Trim(), out var enabled))
        {
            return (SandboxReach.Off, $"Sandbox:Enabled: \"{Enabled}\" is not true or false (leave it out to run the sandbox on loopback whenever no Slack or Teams app is configured).");
        }

        if (enabled && chatAppConfigured)
        {
            return (SandboxReach.Off, "Sandbox:Enabled: the sandbox plays Slack itself, so it cannot run beside a configured Slack:BotToken or Teams:AppId; remove Sandbox:Enabled or those settings.");
        }

        return (enabled ? SandboxReach.Anywhere : SandboxReach.Off, null);
    }

    /// <summary>Every problem with <see cref="UserGroups"/>: each member must be a person with a Slack id.</summary>
    public IReadOnlyList<string> ValidateUserGroups(AccessOptions access)
    {
        var errors = new List<string>();
        foreach (var (group, members) in UserGroups)
        {
            if (!group.StartsWith('S'))
            {
                errors.Add($"Sandbox:UserGroups:{group}: a Slack user group id starts with S, e.g. S0DBAS.");
            }

            foreach (var member in members)
            {
                if (!access.People.TryGetValue(member, out var person) || !person.Identities.ContainsKey(Chat.Slack.SlackChat.Key))
                {
                    errors.Add($"Sandbox:UserGroups:{group}: \"{member}\" is not a person under People with a Slack id.");
                }
            }
        }

        return errors;
    }
}
