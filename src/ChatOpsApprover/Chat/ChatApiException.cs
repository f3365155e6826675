using System.Net;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace ChatOpsApprover.Chat;

/// <summary>
/// A call to a chat platform's API failed. That is expected in operation (outages, throttling, a missing channel),
/// so it is logged as one line saying what failed and why, never with a stack trace.
/// </summary>
public class ChatApiException(string message, bool unavailable, Exception? innerException = null) : Exception(message, innerException)
{
    /// <summary>
    /// True when the platform could not be reached or kept failing through the retries: a later attempt may succeed.
    /// False when it refused this very call (a missing channel or permission): the same call would fail again.
    /// </summary>
    public bool Unavailable { get; } = unavailable;

    /// <summary>HTTP answers left after the retries that still mean "later": throttling, timeouts, server errors.</summary>
    public static bool IsUnavailableStatus(HttpStatusCode status) => (int)status is 408 or 429 or >= 500;

    /// <summary>
    /// One line saying why chat failed, when <paramref name="exception"/> is a chat failure (or several, as the audit
    /// publisher reports them); null for anything else, which deserves its stack trace.
    /// </summary>
    public static string? Summary(Exception exception) => exception switch
    {
        ChatApiException chat => chat.Message,
        AggregateException { InnerExceptions: { Count: > 0 } inner } when inner.All(e => e is ChatApiException) => string.Join("; ", inner.Select(e => e.Message)),
        _ => null,
    };

    /// <summary>
    /// A call that got no answer (no connection, a timeout, an open circuit) as a <see cref="ChatApiException"/> naming
    /// <paramref name="call"/>; null for anything else (our own cancellation, a bug), which stays what it is.
    /// </summary>
    public static ChatApiException? NoAnswer(string call, Exception exception, CancellationToken cancellationToken) => exception switch
    {
        _ when cancellationToken.IsCancellationRequested => null,
        BrokenCircuitException => new ChatApiException($"{call}: not sent, the API has kept failing (calls fail at once for a while, then one is tried)", true, exception),
        TimeoutRejectedException => new ChatApiException($"{call}: no answer in time", true, exception),
        HttpRequestException => new ChatApiException($"{call}: could not connect ({exception.Message})", true, exception),
        _ => null,
    };
}
