using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Storage;

/// <summary>How every table stores a <see cref="ChatPlatform"/>: its name in lower case.</summary>
public static class StoredPlatform
{
    public static string Name(ChatPlatform platform) => platform.ToString().ToLowerInvariant();

    public static ChatPlatform Parse(string value) => Enum.Parse<ChatPlatform>(value, ignoreCase: true);
}
