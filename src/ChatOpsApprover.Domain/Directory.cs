namespace ChatOpsApprover.Domain;

/// <summary>A person known to the bot, with their identity on each chat platform and their login at each target.</summary>
public sealed record Person(
    string Id,
    string? SlackUserId,
    string? TeamsObjectId,
    IReadOnlyDictionary<string, string> Logins,
    bool IsAdmin);

/// <summary>How a role may be requested: who approves, for how long, where the card goes.</summary>
public sealed record RoleDefinition(
    string Name,
    string Description,
    string Target,
    string Grant,
    TimeSpan MaxDuration,
    IReadOnlyList<string> Approvers,
    int RequiredApprovals,
    bool AutoApprove,
    string? SlackChannel,
    string? TeamsChannel)
{
    /// <summary>Who must confirm with their second factor; see <see cref="StepUpRules"/>.</summary>
    public StepUpPolicy StepUp { get; init; } = StepUpPolicy.Requester;

    /// <summary>When true, a step-up from a device or network the person has not used before is refused instead of marked.</summary>
    public bool BlockRiskyStepUp { get; init; }

    public bool IsApprover(string personId) => Approvers.Contains(personId, StringComparer.Ordinal);
}

/// <summary>Looks people and roles up; built once from configuration.</summary>
public sealed class AccessDirectory
{
    private readonly Dictionary<string, Person> _people;
    private readonly Dictionary<string, RoleDefinition> _roles;

    public AccessDirectory(IEnumerable<Person> people, IEnumerable<RoleDefinition> roles)
    {
        _people = people.ToDictionary(p => p.Id, StringComparer.Ordinal);
        _roles = roles.ToDictionary(r => r.Name, StringComparer.OrdinalIgnoreCase);
    }

    public IEnumerable<RoleDefinition> Roles => _roles.Values.OrderBy(r => r.Name, StringComparer.Ordinal);

    public Person? FindPerson(string personId) => _people.GetValueOrDefault(personId);

    public Person? FindByChatUser(ChatUser user) => user.Platform switch
    {
        ChatPlatform.Slack => _people.Values.FirstOrDefault(p => string.Equals(p.SlackUserId, user.PlatformUserId, StringComparison.Ordinal)),
        ChatPlatform.Teams => _people.Values.FirstOrDefault(p => string.Equals(p.TeamsObjectId, user.PlatformUserId, StringComparison.OrdinalIgnoreCase)),
        _ => null,
    };

    public RoleDefinition? FindRole(string name) => _roles.GetValueOrDefault(name);
}

/// <summary>Who is speaking, as the chat platform names them.</summary>
public sealed record ChatUser(ChatPlatform Platform, string PlatformUserId);
