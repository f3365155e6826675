using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Configuration;

/// <summary>People, targets and roles, bound from the configuration's top-level sections of the same names.</summary>
public sealed class AccessOptions
{
    public Dictionary<string, PersonOptions> People { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, TargetOptions> Targets { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, RoleOptions> Roles { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every problem, each naming the configuration key to fix.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        foreach (var (id, person) in People)
        {
            if (string.IsNullOrWhiteSpace(person.Slack) && string.IsNullOrWhiteSpace(person.Teams))
            {
                errors.Add($"People:{id}: give at least one chat identity (People:{id}:Slack or People:{id}:Teams).");
            }

            foreach (var (target, login) in person.Logins)
            {
                if (!Targets.ContainsKey(target))
                {
                    errors.Add($"People:{id}:Logins:{target}: there is no target \"{target}\" under Targets.");
                }
                else if (string.IsNullOrWhiteSpace(login))
                {
                    errors.Add($"People:{id}:Logins:{target}: the login is empty.");
                }
            }
        }

        foreach (var (name, target) in Targets)
        {
            if (!string.Equals(target.Type, "postgres", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"Targets:{name}:Type: \"{target.Type}\" is not a known target type; use \"postgres\".");
            }
        }

        foreach (var (name, role) in Roles)
        {
            var key = $"Roles:{name}";
            if (string.IsNullOrWhiteSpace(role.Target) || !Targets.ContainsKey(role.Target))
            {
                errors.Add($"{key}:Target: \"{role.Target}\" is not a target under Targets.");
            }

            if (string.IsNullOrWhiteSpace(role.Grant))
            {
                errors.Add($"{key}:Grant: name the role or permission to grant at the target.");
            }

            if (role.MaxDuration <= TimeSpan.Zero)
            {
                errors.Add($"{key}:MaxDuration: must be a positive time span such as 04:00:00.");
            }

            if (!Enum.IsDefined(role.StepUp))
            {
                errors.Add($"{key}:StepUp: use None, Requester, Approver or Both.");
            }

            if (role.RequiredApprovals < 1)
            {
                errors.Add($"{key}:RequiredApprovals: must be 1 or more.");
            }

            foreach (var approver in role.Approvers)
            {
                if (!People.ContainsKey(approver))
                {
                    errors.Add($"{key}:Approvers: \"{approver}\" is not a person under People.");
                }
            }

            if (!role.AutoApprove && role.Approvers.Count < role.RequiredApprovals)
            {
                errors.Add($"{key}:Approvers: {role.RequiredApprovals} approval(s) are required but only {role.Approvers.Count} approver(s) are listed.");
            }

            if (!role.AutoApprove && string.IsNullOrWhiteSpace(role.SlackChannel) && string.IsNullOrWhiteSpace(role.TeamsChannel))
            {
                errors.Add($"{key}: name where approval cards go (SlackChannel or TeamsChannel).");
            }
        }

        return errors;
    }

    public AccessDirectory ToDirectory() => new(
        People.Select(p => new Person(
            p.Key,
            NullIfBlank(p.Value.Slack),
            NullIfBlank(p.Value.Teams),
            new Dictionary<string, string>(p.Value.Logins, StringComparer.Ordinal),
            p.Value.Admin)),
        Roles.Select(r => new RoleDefinition(
            r.Key,
            r.Value.Description ?? string.Empty,
            r.Value.Target,
            r.Value.Grant,
            r.Value.MaxDuration,
            r.Value.Approvers.ToArray(),
            r.Value.RequiredApprovals,
            r.Value.AutoApprove,
            NullIfBlank(r.Value.SlackChannel),
            NullIfBlank(r.Value.TeamsChannel))
        {
            StepUp = r.Value.StepUp,
            BlockRiskyStepUp = r.Value.BlockRiskyStepUp,
        }));

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

public sealed class PersonOptions
{
    public string? Slack { get; set; }
    public string? Teams { get; set; }
    public Dictionary<string, string> Logins { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Admins may revoke any request and reset second factors.</summary>
    public bool Admin { get; set; }
}

public sealed class TargetOptions
{
    public string Type { get; set; } = "postgres";

    /// <summary>Empty means the bot's own embedded PostgreSQL (for trying the bot out).</summary>
    public string? ConnectionString { get; set; }
}

public sealed class RoleOptions
{
    public string? Description { get; set; }
    public string Target { get; set; } = string.Empty;
    public string Grant { get; set; } = string.Empty;
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromHours(1);
    public List<string> Approvers { get; set; } = [];
    public int RequiredApprovals { get; set; } = 1;

    /// <summary>When true no human approval is needed; the request is approved as soon as it is made.</summary>
    public bool AutoApprove { get; set; }

    public string? SlackChannel { get; set; }
    public string? TeamsChannel { get; set; }

    /// <summary>Who confirms with their second factor: None, Requester (default), Approver or Both.</summary>
    public StepUpPolicy StepUp { get; set; } = StepUpPolicy.Requester;

    /// <summary>When true, a step-up from a new device or network is refused (the person is told to contact an approver).</summary>
    public bool BlockRiskyStepUp { get; set; }
}
