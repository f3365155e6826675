using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Chat;

/// <summary>
/// What the directory and the configuration need from one chat platform: its key, how it names people, and the keys
/// under which configuration holds a person's user id and a role's approval channel there. Each platform's folder has
/// one, registered by the platform's Add… call, so nothing outside that folder names the platform.
/// </summary>
public interface IChatPlatformRegistration : IChatIdentityScheme
{
    /// <summary>People:&lt;id&gt;:&lt;PersonKey&gt; holds a person's user id on this platform.</summary>
    string PersonKey { get; }

    /// <summary>Roles:&lt;name&gt;:&lt;ChannelKey&gt; names where the role's approval cards go on this platform.</summary>
    string ChannelKey { get; }

    /// <summary>What is wrong with a configured user id, said so that it can be fixed; null when it is well-formed.</summary>
    string? CheckUserId(string userId) => null;

    /// <summary>
    /// True when the platform keeps groups of its users that configuration may name as "&lt;platform key&gt;:&lt;group id&gt;";
    /// the platform then registers an <see cref="IChatGroupSource"/> that knows their members.
    /// </summary>
    bool HasGroups => false;
}
