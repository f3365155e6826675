using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Observability;

/// <summary>
/// The facts a log line is about, as a logging scope: every line written inside carries them (in JSON logs, under
/// "Scopes"), beside ASP.NET Core's own RequestId of the HTTP request. Opened where a chat command or click enters the
/// platform-neutral use cases and where a job works on a request.
/// </summary>
public static class LogScopes
{
    public const string Platform = "Platform";
    public const string ChatUserId = "ChatUserId";
    public const string PersonId = "PersonId";
    public const string AccessRequestId = "AccessRequestId";

    /// <summary>A person (or a chat user not registered: no person id) acting from a chat platform.</summary>
    public static IDisposable? BeginChatScope(this ILogger logger, ChatUser user, Person? person, long? accessRequestId = null)
    {
        var facts = new Dictionary<string, object?>
        {
            [Platform] = user.Platform.Name,
            [ChatUserId] = user.PlatformUserId,
            [PersonId] = person?.Id,
        };
        if (accessRequestId is { } id)
        {
            facts[AccessRequestId] = id;
        }

        return logger.BeginScope(facts);
    }

    /// <summary>Work on one access request outside a chat exchange (a job).</summary>
    public static IDisposable? BeginRequestScope(this ILogger logger, long accessRequestId) =>
        logger.BeginScope(new Dictionary<string, object?> { [AccessRequestId] = accessRequestId });
}
