namespace ChatOpsApprover.Domain;

/// <summary>
/// One entry of a list of people in configuration (Groups, Approvers, Requesters, EscalateTo): a person id,
/// "group:&lt;name&gt;" (a group under Groups), or "&lt;platform key&gt;:&lt;group id&gt;", a group a chat platform keeps
/// itself (a Slack usergroup: "slack:S0DBAS"), whose members that platform's <see cref="IChatGroupSource"/> knows.
/// </summary>
public abstract record MemberEntry
{
    public const string GroupPrefix = "group:";

    private MemberEntry()
    {
    }

    public sealed record OnePerson(string PersonId) : MemberEntry;

    public sealed record Group(string Name) : MemberEntry;

    public sealed record PlatformGroup(ChatPlatform Platform, string GroupId) : MemberEntry;

    /// <summary>
    /// Reads an entry. A prefix that is not "group:" or a platform in <paramref name="groupPlatforms"/> leaves the
    /// whole entry a person id (which validation then reports when nobody has it).
    /// </summary>
    public static MemberEntry Parse(string entry, IEnumerable<ChatPlatform> groupPlatforms)
    {
        if (entry.StartsWith(GroupPrefix, StringComparison.Ordinal))
        {
            return new Group(entry[GroupPrefix.Length..]);
        }

        var colon = entry.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && groupPlatforms.FirstOrDefault(p => string.Equals(p.Name, entry[..colon], StringComparison.OrdinalIgnoreCase)) is { Name: not null } platform)
        {
            return new PlatformGroup(platform, entry[(colon + 1)..]);
        }

        return new OnePerson(entry);
    }
}
