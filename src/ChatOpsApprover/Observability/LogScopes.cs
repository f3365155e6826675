using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Observability;

/// <summary>
/// The facts a log line is about, as a logging scope: every line written inside carries them (in JSON logs, under
/// "Scopes"), beside ASP.NET Core's own RequestId of the HTTP request. Opened where a chat command or click enters the
/// platform-neutral use cases and where a job works on a request.
/// </summary>
public static class LogScopes
{
    /// <summary>A person (or a chat user not registered: no person id) acting from a chat platform.</summary>
    public static IDisposable? BeginChatScope(this ILogger logger, ChatUser user, Person? person, long? accessRequestId = null) =>
        accessRequestId is { } id
            ? logger.BeginScope("Platform:{Platform} ChatUserId:{ChatUserId} PersonId:{PersonId} AccessRequestId:{AccessRequestId}", user.Platform.Name, user.PlatformUserId, person?.Id, id)
            : logger.BeginScope("Platform:{Platform} ChatUserId:{ChatUserId} PersonId:{PersonId}", user.Platform.Name, user.PlatformUserId, person?.Id);

    /// <summary>Work on one access request outside a chat exchange (a job).</summary>
    public static IDisposable? BeginRequestScope(this ILogger logger, long accessRequestId) =>
        logger.BeginScope("AccessRequestId:{AccessRequestId}", accessRequestId);
}
