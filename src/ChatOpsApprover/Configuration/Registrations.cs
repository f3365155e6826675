using ChatOpsApprover.Chat;
using ChatOpsApprover.Grants;

namespace ChatOpsApprover.Configuration;

/// <summary>The chat platforms and kinds of grant target the host was built with; configuration is read and checked against them.</summary>
public sealed class Registrations
{
    public Registrations(IEnumerable<IChatPlatformRegistration> platforms, IEnumerable<IGrantTargetType> targetTypes)
    {
        Platforms = platforms.ToArray();
        TargetTypes = targetTypes.ToArray();
        if (Platforms.GroupBy(p => p.Platform).FirstOrDefault(g => g.Count() > 1) is { } platform)
        {
            throw new InvalidOperationException($"The chat platform \"{platform.Key}\" is registered twice.");
        }

        if (TargetTypes.GroupBy(t => t.Type, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } type)
        {
            throw new InvalidOperationException($"The target type \"{type.Key}\" is registered twice.");
        }
    }

    public IReadOnlyList<IChatPlatformRegistration> Platforms { get; }

    public IReadOnlyList<IGrantTargetType> TargetTypes { get; }

    public IGrantTargetType? FindTargetType(string type) =>
        TargetTypes.FirstOrDefault(t => string.Equals(t.Type, type, StringComparison.OrdinalIgnoreCase));

    /// <summary>The kind of a target that passed validation.</summary>
    public IGrantTargetType TargetType(string type) =>
        FindTargetType(type) ?? throw new InvalidOperationException($"No target type \"{type}\" is registered.");
}
