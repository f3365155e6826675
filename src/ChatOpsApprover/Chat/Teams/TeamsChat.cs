using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Chat.Teams;

/// <summary>
/// Teams as configuration and the directory know it: a person is their Entra object id (a GUID, compared
/// case-insensitively), which is what an activity's from.aadObjectId carries. Command text has no mention that
/// names an id (Teams puts mentions in the activity's entities), so none is read.
/// </summary>
public sealed class TeamsChat : IChatPlatformRegistration
{
    /// <summary>The key stored with requests, decisions, messages and audit entries made on Teams.</summary>
    public static readonly ChatPlatform Key = new("teams");

    public ChatPlatform Platform => Key;

    public string PersonKey => "Teams";

    public string ChannelKey => "TeamsChannel";

    public StringComparer UserIdComparer => StringComparer.OrdinalIgnoreCase;

    public string? ReadMention(string text) => null;

    public string? CheckUserId(string userId) => Guid.TryParseExact(userId, "D", out _)
        ? null
        : $"\"{(userId.Length > 40 ? userId[..40] + "…" : userId)}\" is not an Entra object id: give the person's Object ID from Entra ID (a GUID such as 00000000-0000-0000-0000-000000000000), not their Teams user id (29:…) or e-mail.";

    /// <summary>The person's Entra object id, or null when they have no Teams identity.</summary>
    public static string? ObjectId(Person person) => person.IdentityOn(Key);
}
