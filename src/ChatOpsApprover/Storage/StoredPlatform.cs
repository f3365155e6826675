using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Storage;

/// <summary>How every table stores a <see cref="ChatPlatform"/>: its lowercase key ("slack", "teams", "web", "system").</summary>
public static class StoredPlatform
{
    public static string Name(ChatPlatform platform) => platform.Name;

    public static ChatPlatform Parse(string value) => new(value);
}
