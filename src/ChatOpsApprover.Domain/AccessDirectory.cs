namespace ChatOpsApprover.Domain;

/// <summary>
/// Looks people, roles and groups up; built once from configuration, with the registered chat platforms' identity
/// schemes and group sources. Who approves or may request a role is resolved here, from the role's entries (see
/// <see cref="MemberEntry"/>): configuration groups are expanded, platform groups read from their source's last known
/// members and mapped to people through their identities.
/// </summary>
public sealed class AccessDirectory
{
    private readonly Dictionary<string, Person> _people;
    private readonly Dictionary<string, RoleDefinition> _roles;
    private readonly IReadOnlyList<IChatIdentityScheme> _schemes;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _groups;
    private readonly IReadOnlyList<IChatGroupSource> _groupSources;

    public AccessDirectory(
        IEnumerable<Person> people,
        IEnumerable<RoleDefinition> roles,
        IEnumerable<IChatIdentityScheme> schemes,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? groups = null,
        IEnumerable<IChatGroupSource>? groupSources = null)
    {
        _people = people.ToDictionary(p => p.Id, StringComparer.Ordinal);
        _roles = roles.ToDictionary(r => r.Name, StringComparer.OrdinalIgnoreCase);
        _schemes = schemes.ToArray();
        _groups = groups ?? new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        _groupSources = groupSources?.ToArray() ?? [];
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

    /// <summary>The person ids <paramref name="entries"/> name, groups expanded; people unknown to the directory are left out.</summary>
    public IReadOnlySet<string> PeopleIn(IEnumerable<string> entries)
    {
        var people = new HashSet<string>(StringComparer.Ordinal);
        Expand(entries, people, new HashSet<string>(StringComparer.Ordinal));
        return people;
    }

    /// <summary>Who may decide requests of <paramref name="role"/>, and, given <paramref name="request"/>, the people it was escalated to.</summary>
    public IReadOnlySet<string> ApproversOf(RoleDefinition role, AccessRequest? request = null) =>
        PeopleIn(request is null ? role.Approvers : role.Approvers.Concat(request.EscalatedTo));

    public bool IsApprover(RoleDefinition role, string personId, AccessRequest? request = null) => ApproversOf(role, request).Contains(personId);

    /// <summary>Whether the person approves any role (they may then read the audit log).</summary>
    public bool ApprovesAnyRole(string personId) => _roles.Values.Any(r => IsApprover(r, personId));

    /// <summary>Without Requesters anyone in People may request the role; with them, only the people they name.</summary>
    public bool MayRequest(RoleDefinition role, string personId) => role.Requesters is null || PeopleIn(role.Requesters).Contains(personId);

    private void Expand(IEnumerable<string> entries, HashSet<string> people, HashSet<string> seenGroups)
    {
        foreach (var entry in entries)
        {
            switch (MemberEntry.Parse(entry, _groupSources.Select(s => s.Platform)))
            {
                case MemberEntry.OnePerson(var id) when _people.ContainsKey(id):
                    people.Add(id);
                    break;
                case MemberEntry.OnePerson:
                    break;
                case MemberEntry.Group(var name):
                    // A cycle stops start-up; the guard keeps a bad directory built by hand from looping.
                    if (seenGroups.Add(name) && _groups.TryGetValue(name, out var members))
                    {
                        Expand(members, people, seenGroups);
                    }

                    break;
                case MemberEntry.PlatformGroup(var platform, var groupId):
                    foreach (var source in _groupSources.Where(s => s.Platform == platform))
                    {
                        foreach (var userId in source.MembersOf(groupId))
                        {
                            if (FindByChatUser(new ChatUser(platform, userId)) is { } person)
                            {
                                people.Add(person.Id);
                            }
                        }
                    }

                    break;
            }
        }
    }
}
