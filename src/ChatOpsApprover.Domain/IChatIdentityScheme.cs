namespace ChatOpsApprover.Domain;

/// <summary>
/// How one chat platform names people. Each platform's adapter registers one, so the directory compares and reads
/// user ids without knowing any platform.
/// </summary>
public interface IChatIdentityScheme
{
    ChatPlatform Platform { get; }

    /// <summary>How two user ids of this platform compare.</summary>
    StringComparer UserIdComparer { get; }

    /// <summary>
    /// The user id named by <paramref name="text"/> when it is a mention written the way this platform puts one into
    /// command text; null when it is not.
    /// </summary>
    string? ReadMention(string text);
}
