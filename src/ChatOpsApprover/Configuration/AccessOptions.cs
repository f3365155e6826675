using ChatOpsApprover.Chat;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Grants;

namespace ChatOpsApprover.Configuration;

/// <summary>
/// People, targets and roles, read from the configuration's top-level sections of the same names. What belongs to a
/// registered chat platform or kind of target (People:&lt;id&gt;:Slack, Roles:&lt;name&gt;:TeamsChannel,
/// Targets:&lt;name&gt;:ConnectionString, …) is read under the keys that registration names; see <see cref="Load"/>.
/// </summary>
public sealed class AccessOptions
{
    public Dictionary<string, PersonOptions> People { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, TargetOptions> Targets { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, RoleOptions> Roles { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Binds <paramref name="configuration"/> (its root) and reads each registered platform's and target type's own keys.</summary>
    public void Load(IConfiguration configuration, Registrations registered)
    {
        configuration.Bind(this);
        foreach (var (id, person) in People)
        {
            ReadPerPlatform(configuration.GetSection("People").GetSection(id), registered, p => p.PersonKey, person.Identities);
        }

        foreach (var (name, role) in Roles)
        {
            role.Settings = configuration.GetSection("Roles").GetSection(name);
            ReadPerPlatform(role.Settings, registered, p => p.ChannelKey, role.ApprovalChannels);
        }

        foreach (var (name, target) in Targets)
        {
            target.Settings = configuration.GetSection("Targets").GetSection(name);
        }
    }

    /// <summary>Every problem, each naming the configuration key to fix.</summary>
    public IReadOnlyList<string> Validate(Registrations registered)
    {
        var errors = new List<string>();
        foreach (var (id, person) in People)
        {
            if (person.Identities.Count == 0)
            {
                errors.Add($"People:{id}: give at least one chat identity ({Either(registered.Platforms.Select(p => $"People:{id}:{p.PersonKey}"))}).");
            }

            foreach (var platform in registered.Platforms)
            {
                if (person.Identities.TryGetValue(platform.Platform, out var userId) && platform.CheckUserId(userId) is { } problem)
                {
                    errors.Add($"People:{id}:{platform.PersonKey}: {problem}");
                }
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
            if (registered.FindTargetType(target.Type) is { } type)
            {
                errors.AddRange(type.Validate($"Targets:{name}", target.Settings));
            }
            else
            {
                errors.Add($"Targets:{name}:Type: \"{target.Type}\" is not a known target type; use {Either(registered.TargetTypes.Select(t => $"\"{t.Type}\""))}.");
            }
        }

        foreach (var (name, role) in Roles)
        {
            var key = $"Roles:{name}";
            if (string.IsNullOrWhiteSpace(role.Target) || !Targets.TryGetValue(role.Target, out var target))
            {
                errors.Add($"{key}:Target: \"{role.Target}\" is not a target under Targets.");
            }
            else if (registered.FindTargetType(target.Type) is { } type)
            {
                // What a kind of target adds to its roles (Kubernetes: Namespace) is that kind's to check.
                errors.AddRange(type.ValidateRole(key, role.Settings));
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

            if (!role.AutoApprove && role.ApprovalChannels.Count == 0)
            {
                errors.Add($"{key}: name where approval cards go ({Either(registered.Platforms.Select(p => p.ChannelKey))}).");
            }
        }

        return errors;
    }

    public AccessDirectory ToDirectory(Registrations registered) => new(
        People.Select(p => new Person(
            p.Key,
            new Dictionary<ChatPlatform, string>(p.Value.Identities),
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
            new Dictionary<ChatPlatform, string>(r.Value.ApprovalChannels))
        {
            StepUp = r.Value.StepUp,
            BlockRiskyStepUp = r.Value.BlockRiskyStepUp,
        }),
        registered.Platforms);

    /// <summary>The roles on a target, with their own settings.</summary>
    public IReadOnlyList<TargetRole> RolesOn(string target) =>
        Roles.Where(r => r.Value.Target == target).Select(r => new TargetRole(r.Key, r.Value.Grant, r.Value.Settings)).ToArray();

    /// <summary>The grants of the roles on a target and the people's logins there.</summary>
    public TargetUse UseOf(string target) => new(
        Roles.Values.Where(r => r.Target == target).Select(r => r.Grant).ToArray(),
        People.Values.SelectMany(p => p.Logins).Where(l => l.Key == target).Select(l => l.Value).ToArray());

    private static void ReadPerPlatform(IConfiguration section, Registrations registered, Func<IChatPlatformRegistration, string> key, Dictionary<ChatPlatform, string> into)
    {
        foreach (var platform in registered.Platforms)
        {
            if (section[key(platform)] is { } value && !string.IsNullOrWhiteSpace(value))
            {
                into[platform.Platform] = value;
            }
        }
    }

    /// <summary>"A", "A or B", "A, B or C".</summary>
    private static string Either(IEnumerable<string> choices)
    {
        var all = choices.ToArray();
        return all.Length <= 1 ? all.SingleOrDefault() ?? "nothing is registered" : $"{string.Join(", ", all[..^1])} or {all[^1]}";
    }
}
