namespace ChatOpsApprover.Domain;

/// <summary>
/// Where an action came from, by a stable lowercase key: a chat platform (each adapter defines its own key), the
/// step-up pages (<see cref="Web"/>) or the bot itself (<see cref="System"/>). The key is what storage and the audit
/// log record, so a key once used never changes. The domain names no chat platform.
/// </summary>
public readonly record struct ChatPlatform
{
    public ChatPlatform(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name.Trim().ToLowerInvariant();
    }

    public string Name { get; }

    /// <summary>The step-up and enrollment pages.</summary>
    public static ChatPlatform Web { get; } = new("web");

    /// <summary>The bot acting on its own: policy, grants, revocations.</summary>
    public static ChatPlatform System { get; } = new("system");

    public override string ToString() => Name ?? string.Empty;
}
