namespace ChatOpsApprover.Domain;

/// <summary>Looks people and roles up; built once from configuration, with the registered chat platforms' identity schemes.</summary>
public sealed class AccessDirectory
{
    private readonly Dictionary<string, Person> _people;
    private readonly Dictionary<string, RoleDefinition> _roles;
    private readonly IReadOnlyList<IChatIdentityScheme> _schemes;

    public AccessDirectory(IEnumerable<Person> people, IEnumerable<RoleDefinition> roles, IEnumerable<IChatIdentityScheme> schemes)
    {
        _people = people.ToDictionary(p => p.Id, StringComparer.Ordinal);
        _roles = roles.ToDictionary(r => r.Name, StringComparer.OrdinalIgnoreCase);
        _schemes = schemes.ToArray();
    }

    public IEnumerable<RoleDefinition> Roles => _roles.Values.OrderBy(r => r.Name, StringComparer.Ordinal);

    public Person? FindPerson(string personId) => _people.GetValueOrDefault(personId);

    /// <summary>The person with this user id on its platform; nobody for a platform without a registered scheme.</summary>
    public Person? FindByChatUser(ChatUser user) =>
        _schemes.FirstOrDefault(s => s.Platform == user.Platform) is { } scheme
            ? _people.Values.FirstOrDefault(p => p.IdentityOn(user.Platform) is { } id && scheme.UserIdComparer.Equals(id, user.PlatformUserId))
            : null;

    /// <summary>The person a mention in command text names, on whichever platform writes mentions that way.</summary>
    public Person? FindByMention(string text) =>
        _schemes.Select(s => s.ReadMention(text) is { } id ? FindByChatUser(new ChatUser(s.Platform, id)) : null).FirstOrDefault(p => p is not null);

    public RoleDefinition? FindRole(string name) => _roles.GetValueOrDefault(name);
}
