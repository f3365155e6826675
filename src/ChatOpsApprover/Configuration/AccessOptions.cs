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

    /// <summary>Named lists of people (Groups:&lt;name&gt;): person ids and group:&lt;name&gt; entries, used as group:&lt;name&gt; elsewhere.</summary>
    public Dictionary<string, List<string>> Groups { get; set; } = new(StringComparer.Ordinal);

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
            ReadAutoApprove($"Roles:{name}:AutoApprove", role.Settings.GetSection("AutoApprove"), role);
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

        var people = People.Keys.ToHashSet(StringComparer.Ordinal);
        var groups = GroupLists();
        var groupPlatforms = registered.Platforms.Where(p => p.HasGroups).Select(p => p.Platform).ToArray();
        errors.AddRange(GroupRules.CheckGroups(groups, people, groupPlatforms));

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

            if (!Enum.IsDefined(role.StepUpFactor))
            {
                errors.Add($"{key}:StepUpFactor: use Any (the default: a passkey or a code) or Passkey (a passkey or security key only).");
            }

            if (role.PendingTimeout <= TimeSpan.Zero || role.PendingTimeout > TimeSpan.FromDays(7))
            {
                errors.Add($"{key}:PendingTimeout: must be a positive time span of at most 7 days, such as 01:00:00.");
            }

            foreach (var (setting, after) in new[] { ("ReminderAfter", role.ReminderAfter), ("EscalateAfter", role.EscalateAfter) })
            {
                if (after is { } value && (value <= TimeSpan.Zero || value >= role.PendingTimeout))
                {
                    errors.Add($"{key}:{setting}: must be positive and shorter than PendingTimeout ({DurationText.Format(role.PendingTimeout)}), or left out.");
                }
            }

            errors.AddRange(GroupRules.CheckEntries($"{key}:EscalateTo", role.EscalateTo, groups, people, groupPlatforms));
            if (role.EscalateAfter is not null && role.EscalateTo.Count == 0)
            {
                errors.Add($"{key}:EscalateTo: name who a waiting request is escalated to after EscalateAfter.");
            }

            if (role.Extend?.MaxTotal is { } maxTotal && (maxTotal <= TimeSpan.Zero || maxTotal < role.MaxDuration))
            {
                errors.Add($"{key}:Extend:MaxTotal: must be at least the role's MaxDuration ({DurationText.Format(role.MaxDuration)}), e.g. 08:00:00, or left out (then it is MaxDuration).");
            }

            if (role.RequiredApprovals < 1)
            {
                errors.Add($"{key}:RequiredApprovals: must be 1 or more.");
            }

            var policy = RolePolicyReader.Read(key, role, errors);
            var definition = ToRole(name, role, policy);
            if (role.AutoApproveLimits?.For is { Count: > 0 } autoFor)
            {
                errors.AddRange(GroupRules.CheckEntries($"{key}:AutoApprove:For", autoFor, groups, people, groupPlatforms));
            }

            errors.AddRange(GroupRules.CheckEntries($"{key}:Approvers", role.Approvers, groups, people, groupPlatforms));
            if (role.Requesters is { } requesters)
            {
                errors.AddRange(GroupRules.CheckEntries($"{key}:Requesters", requesters, groups, people, groupPlatforms));
            }

            // Known only when no entry is a platform's group, whose members are read at run time.
            var approvers = StaticPeopleIn(role.Approvers, groups, groupPlatforms);
            // A rule asking one approval more needs one approver more; auto-approved roles whose rules may send a
            // request to people need them as well.
            var needed = role.RequiredApprovals + (definition.MayNeedExtraApproval ? 1 : 0);
            if (definition.MayNeedApprovers && approvers is not null && approvers.Count < needed)
            {
                errors.Add(needed > role.RequiredApprovals
                    ? $"{key}:Approvers: {needed} approval(s) may be required (RequiredApprovals and one more that a rule may ask for), each by a different person, but the entries name only {approvers.Count} approver(s)."
                    : $"{key}:Approvers: {needed} approval(s) are required, each by a different person, but the entries name only {approvers.Count} approver(s).");
            }

            errors.AddRange(BreakGlassProblems(key, role, approvers, Either(registered.Platforms.Select(p => p.ChannelKey))));

            if (definition.MayNeedApprovers && role.ApprovalChannels.Count == 0)
            {
                errors.Add($"{key}: name where approval cards go ({Either(registered.Platforms.Select(p => p.ChannelKey))}){(role.AutoApprove ? "; AutoApprove's limits or the role's rules may send a request to approvers" : string.Empty)}.");
            }
        }

        return errors;
    }

    public AccessDirectory ToDirectory(Registrations registered, IEnumerable<IChatGroupSource>? groupSources = null) => new(
        People.Select(p => new Person(
            p.Key,
            new Dictionary<ChatPlatform, string>(p.Value.Identities),
            new Dictionary<string, string>(p.Value.Logins, StringComparer.Ordinal),
            p.Value.Admin)),
        Roles.Select(r => ToRole(r.Key, r.Value, RolePolicyReader.Read($"Roles:{r.Key}", r.Value, []))),
        registered.Platforms,
        GroupLists(),
        groupSources);

    private static RoleDefinition ToRole(string name, RoleOptions role, RolePolicy policy) => new(
        name,
        role.Description ?? string.Empty,
        role.Target,
        role.Grant,
        role.MaxDuration,
        role.Approvers.ToArray(),
        role.RequiredApprovals,
        role.AutoApprove,
        new Dictionary<ChatPlatform, string>(role.ApprovalChannels))
    {
        StepUp = role.StepUp,
        BlockRiskyStepUp = role.BlockRiskyStepUp,
        StepUpFactor = role.StepUpFactor,
        Requesters = role.Requesters?.ToArray(),
        PendingTimeout = role.PendingTimeout,
        ReminderAfter = role.ReminderAfter,
        EscalateAfter = role.EscalateAfter,
        EscalateTo = role.EscalateTo.ToArray(),
        Hours = policy.Hours,
        OutsideHours = policy.OutsideHours,
        AutoApproveLimits = policy.AutoApproveLimits,
        Risk = policy.Risk,
        BreakGlass = role.BreakGlass is { Allowed: true, MaxDuration: { } max } ? new BreakGlassRule(max) : null,
        Extend = role.Extend is { } extend ? new ExtensionPolicy(extend.MaxTotal ?? role.MaxDuration, extend.RequiresApproval) : null,
    };

    /// <summary>
    /// AutoApprove is <c>true</c>/<c>false</c> or an object (For, OnlyInHours, MaxDuration) that limits it; the binder
    /// knows one form per property, so both are read here, and a value that is neither is a problem naming the key.
    /// </summary>
    private static void ReadAutoApprove(string key, IConfigurationSection section, RoleOptions role)
    {
        role.AutoApprove = false;
        role.AutoApproveLimits = null;
        role.ReadProblems.Clear();
        if (section.Value is { } text)
        {
            if (bool.TryParse(text.Trim(), out var on))
            {
                role.AutoApprove = on;
            }
            else
            {
                role.ReadProblems.Add($"{key}: \"{text}\" is neither true, false nor an object {{ For, OnlyInHours, MaxDuration }}.");
            }

            return;
        }

        if (!section.GetChildren().Any())
        {
            return;
        }

        var limits = new AutoApproveOptions();
        try
        {
            section.Bind(limits);
        }
        catch (InvalidOperationException e)
        {
            role.ReadProblems.Add($"{key}: {e.Message} Use {{ \"For\": [ \"group:oncall\" ], \"OnlyInHours\": true, \"MaxDuration\": \"01:00:00\" }}.");
            return;
        }

        role.AutoApprove = true;
        role.AutoApproveLimits = limits;
    }

    /// <summary>
    /// A role that allows break-glass needs a limit within its MaxDuration, somewhere to sound the alert, and approvers to
    /// review each use.
    /// </summary>
    private static IEnumerable<string> BreakGlassProblems(string key, RoleOptions role, IReadOnlySet<string>? approvers, string channelKeys)
    {
        if (role.BreakGlass is not { Allowed: true } breakGlass)
        {
            yield break;
        }

        if (breakGlass.MaxDuration is not { } max || max <= TimeSpan.Zero)
        {
            yield return $"{key}:BreakGlass:MaxDuration: give the longest break-glass window, a positive time span such as 01:00:00.";
        }
        else if (max > role.MaxDuration)
        {
            yield return $"{key}:BreakGlass:MaxDuration: must be at most the role's MaxDuration ({DurationText.Format(role.MaxDuration)}).";
        }

        if (role.ApprovalChannels.Count == 0)
        {
            yield return $"{key}:BreakGlass: every use is announced in the role's approval channel; name one for the role ({channelKeys}).";
        }

        if (role.Approvers.Count == 0 || approvers is { Count: 0 })
        {
            yield return $"{key}:BreakGlass: every use is reviewed by an approver of the role; name at least one under {key}:Approvers.";
        }
    }

    /// <summary>The roles on a target, with their own settings.</summary>
    public IReadOnlyList<TargetRole> RolesOn(string target) =>
        Roles.Where(r => r.Value.Target == target).Select(r => new TargetRole(r.Key, r.Value.Grant, r.Value.Settings)).ToArray();

    /// <summary>The grants of the roles on a target and the people's logins there.</summary>
    public TargetUse UseOf(string target) => new(
        Roles.Values.Where(r => r.Target == target).Select(r => r.Grant).ToArray(),
        People.Values.SelectMany(p => p.Logins).Where(l => l.Key == target).Select(l => l.Value).ToArray());

    private Dictionary<string, IReadOnlyList<string>> GroupLists() =>
        Groups.ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>The people <paramref name="entries"/> name through configuration alone, or null when a platform's group is among them.</summary>
    private IReadOnlySet<string>? StaticPeopleIn(IEnumerable<string> entries, IReadOnlyDictionary<string, IReadOnlyList<string>> groups, IReadOnlyCollection<ChatPlatform> groupPlatforms)
    {
        var list = entries.ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (list.Select(e => MemberEntry.Parse(e, groupPlatforms)).OfType<MemberEntry.Group>().FirstOrDefault(g => seen.Add(g.Name)) is { } group)
        {
            list.AddRange(groups.GetValueOrDefault(group.Name) ?? []);
        }

        var parsed = list.Select(e => MemberEntry.Parse(e, groupPlatforms)).ToList();
        return parsed.Any(e => e is MemberEntry.PlatformGroup)
            ? null
            : parsed.OfType<MemberEntry.OnePerson>().Select(p => p.PersonId).Where(People.ContainsKey).ToHashSet(StringComparer.Ordinal);
    }

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
