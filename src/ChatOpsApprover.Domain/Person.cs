namespace ChatOpsApprover.Domain;

/// <summary>
/// A person known to the bot: their user id on each chat platform where they have one (<see cref="Identities"/>, at
/// least one) and their login at each target.
/// </summary>
public sealed record Person(
    string Id,
    IReadOnlyDictionary<ChatPlatform, string> Identities,
    IReadOnlyDictionary<string, string> Logins,
    bool IsAdmin)
{
    /// <summary>Their user id on <paramref name="platform"/>, or null when they have none there.</summary>
    public string? IdentityOn(ChatPlatform platform) => Identities.GetValueOrDefault(platform);
}
