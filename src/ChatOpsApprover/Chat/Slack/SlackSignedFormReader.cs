using System.Text;
using ChatOpsApprover.Audit;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>
/// Reads the form Slack posts to every inbound endpoint and verifies its signature over the raw body. A handler gets
/// the form only from a verified request that was not handled before; anything else gets the refusal to answer with.
/// </summary>
public sealed class SlackSignedFormReader(SlackSignatureVerifier verifier, SignatureFailureMonitor failures, SlackReplayGuard replays)
{
    /// <summary>Slack's commands and clicks take a few kilobytes (a click carries its message's blocks).</summary>
    public const int MaxBodyBytes = 32 * 1024;

    public Task<(Dictionary<string, StringValues>? Form, IResult? Refusal)> ReadAsync(HttpContext context) =>
        ReadAsync(context, static _ => SlackReplayScope.AllInstances);

    /// <param name="replayScope">
    /// Where the verified request's signature is claimed, decided from its verified form (never from anything unsigned).
    /// </param>
    public async Task<(Dictionary<string, StringValues>? Form, IResult? Refusal)> ReadAsync(
        HttpContext context, Func<Dictionary<string, StringValues>, SlackReplayScope> replayScope)
    {
        var request = context.Request;
        if (await InboundBody.ReadAsync(context, MaxBodyBytes) is not { } body)
        {
            return (null, Results.Text("The request body is larger than 32 KB.", statusCode: StatusCodes.Status413PayloadTooLarge));
        }

        var form = new FormReader(Encoding.UTF8.GetString(body)).ReadForm();
        string? timestamp = request.Headers["X-Slack-Request-Timestamp"];
        string? signature = request.Headers["X-Slack-Signature"];
        if (!verifier.IsValid(timestamp, signature, body))
        {
            // Slack's unsigned certificate check: acknowledge it and do nothing else.
            if (form.TryGetValue("ssl_check", out var sslCheck) && sslCheck == "1" && !form.ContainsKey("command") && !form.ContainsKey("payload"))
            {
                return (null, Results.Ok());
            }

            // Counted in memory only; a burst becomes one audit entry.
            failures.Record(SlackChat.Key, request.Path, context.Connection.RemoteIpAddress?.ToString());
            return (null, Results.Text("The request is not signed by Slack, or its timestamp is more than 5 minutes from now.", statusCode: StatusCodes.Status401Unauthorized));
        }

        if (await replays.IsReplayAsync(context, signature!, verifier.ValidUntil(timestamp!), replayScope(form)))
        {
            return (null, Results.Text("This Slack request was already received and handled; it was not run again.", statusCode: StatusCodes.Status409Conflict));
        }

        return (form, null);
    }
}
