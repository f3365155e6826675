namespace ChatOpsApprover.Domain;

/// <summary>
/// The start-up checks of Groups and of every list of people that names groups: each entry names a known person, a
/// known group or a platform's group, and no group contains itself through other groups. Errors name the key.
/// </summary>
public static class GroupRules
{
    public static IReadOnlyList<string> CheckGroups(IReadOnlyDictionary<string, IReadOnlyList<string>> groups, IReadOnlySet<string> people, IReadOnlyCollection<ChatPlatform> groupPlatforms)
    {
        var errors = new List<string>();
        foreach (var (name, entries) in groups)
        {
            if (entries.Count == 0)
            {
                errors.Add($"Groups:{name}: the group is empty; list person ids or group:<name> entries.");
            }

            errors.AddRange(CheckEntries($"Groups:{name}", entries, groups, people, groupPlatforms));
        }

        errors.AddRange(FindCycles(groups, groupPlatforms));
        return errors;
    }

    /// <summary>Every entry of <paramref name="entries"/> (under configuration key <paramref name="key"/>) names someone or some group that exists.</summary>
    public static IEnumerable<string> CheckEntries(string key, IEnumerable<string> entries, IReadOnlyDictionary<string, IReadOnlyList<string>> groups, IReadOnlySet<string> people, IReadOnlyCollection<ChatPlatform> groupPlatforms)
    {
        foreach (var entry in entries)
        {
            switch (MemberEntry.Parse(entry, groupPlatforms))
            {
                case MemberEntry.OnePerson(var id) when !people.Contains(id):
                    yield return $"{key}: \"{entry}\" is not a person under People (an entry is a person id, group:<name>{string.Concat(groupPlatforms.Select(p => $" or {p.Name}:<group id>"))}).";
                    break;
                case MemberEntry.Group(var name) when !groups.ContainsKey(name):
                    yield return $"{key}: \"{entry}\" names no group under Groups.";
                    break;
                case MemberEntry.PlatformGroup(_, var id) when string.IsNullOrWhiteSpace(id):
                    yield return $"{key}: \"{entry}\" names no group id.";
                    break;
                default:
                    break;
            }
        }
    }

    private static IEnumerable<string> FindCycles(IReadOnlyDictionary<string, IReadOnlyList<string>> groups, IReadOnlyCollection<ChatPlatform> groupPlatforms)
    {
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in groups.Keys.Order(StringComparer.Ordinal))
        {
            if (PathBackTo(start, start, groups, groupPlatforms, [start]) is { } path && path.All(reported.Add))
            {
                yield return $"Groups:{start}: the groups contain each other in a cycle ({string.Join(" → ", path.Append(start))}); remove one of these group: entries.";
            }
        }
    }

    /// <summary>A chain of group names from <paramref name="from"/> that leads back to <paramref name="target"/>, or null.</summary>
    private static List<string>? PathBackTo(string target, string from, IReadOnlyDictionary<string, IReadOnlyList<string>> groups, IReadOnlyCollection<ChatPlatform> groupPlatforms, List<string> path)
    {
        foreach (var entry in groups.GetValueOrDefault(from) ?? [])
        {
            if (MemberEntry.Parse(entry, groupPlatforms) is not MemberEntry.Group(var name) || !groups.ContainsKey(name))
            {
                continue;
            }

            if (name == target)
            {
                return path;
            }

            if (!path.Contains(name))
            {
                if (PathBackTo(target, name, groups, groupPlatforms, [.. path, name]) is { } found)
                {
                    return found;
                }
            }
        }

        return null;
    }
}
