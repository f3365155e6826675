using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Identity.Client;

namespace ChatOpsApprover.Chat.Teams;

/// <summary>The connector refused a call; <see cref="Status"/> is its HTTP status.</summary>
public sealed class ConnectorException(string operation, HttpStatusCode status, string detail)
    : Exception($"Bot Connector {operation} failed with HTTP {(int)status}: {detail}")
{
    public HttpStatusCode Status { get; } = status;
}

/// <summary>
/// The Bot Connector REST calls the bot makes (v3 conversations API), each with a client-credential bearer token.
/// Throttling (429, honouring Retry-After), 412 and 5xx answers and failed connections are retried with exponential
/// back-off and jitter; other failures surface as <see cref="ConnectorException"/>.
/// </summary>
public sealed class ConnectorClient(HttpClient http, ConnectorTokenProvider tokens, ILogger<ConnectorClient> logger)
{
    private const int MaxAttempts = 5;
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    /// <summary>Posts an activity into a conversation; returns the new activity's id.</summary>
    public async Task<string> SendAsync(Uri serviceUrl, string conversationId, JsonObject activity, CancellationToken cancellationToken)
    {
        var response = await CallAsync("send", HttpMethod.Post, Url(serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities"), activity, cancellationToken);
        return response?["id"]?.GetValue<string>() ?? throw new ConnectorException("send", HttpStatusCode.OK, "the answer has no activity id");
    }

    /// <summary>Answers an activity in its conversation (in a channel: in its thread).</summary>
    public async Task ReplyAsync(Uri serviceUrl, string conversationId, string replyToId, JsonObject activity, CancellationToken cancellationToken)
    {
        activity["replyToId"] = replyToId;
        await CallAsync("reply", HttpMethod.Post, Url(serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities/{Escape(replyToId)}"), activity, cancellationToken);
    }

    /// <summary>Replaces an activity the bot sent, for everyone in the conversation.</summary>
    public async Task UpdateAsync(Uri serviceUrl, string conversationId, string activityId, JsonObject activity, CancellationToken cancellationToken)
    {
        activity["id"] = activityId;
        await CallAsync("update", HttpMethod.Put, Url(serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities/{Escape(activityId)}"), activity, cancellationToken);
    }

    /// <summary>Creates (or finds: Teams answers with the same id each time) the bot's 1:1 chat with a user.</summary>
    public async Task<string> CreatePersonalConversationAsync(Uri serviceUrl, string botId, string memberId, string tenantId, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["isGroup"] = false,
            ["bot"] = new JsonObject { ["id"] = botId },
            ["members"] = new JsonArray { new JsonObject { ["id"] = memberId } },
            ["tenantId"] = tenantId,
            ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = tenantId } },
        };
        var response = await CallAsync("create conversation", HttpMethod.Post, Url(serviceUrl, "v3/conversations"), body, cancellationToken);
        return response?["id"]?.GetValue<string>() ?? throw new ConnectorException("create conversation", HttpStatusCode.OK, "the answer has no conversation id");
    }

    private static Uri Url(Uri serviceUrl, string path)
    {
        var text = serviceUrl.ToString();
        return new Uri(text.EndsWith('/') ? text + path : text + "/" + path);
    }

    // Conversation ids hold ':', '@' and ';'; a '/' would otherwise change the path.
    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private async Task<JsonNode?> CallAsync(string operation, HttpMethod method, Uri url, JsonObject body, CancellationToken cancellationToken)
    {
        var payload = body.ToJsonString();
        for (var attempt = 1; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                using var request = new HttpRequestMessage(method, url) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetTokenAsync(cancellationToken));
                response = await http.SendAsync(request, cancellationToken);
            }
            catch (Exception e) when (attempt < MaxAttempts && IsTransient(e))
            {
                logger.LogWarning("Bot Connector {Operation} failed ({Error}); retrying", operation, e.Message);
                await Task.Delay(Backoff(attempt), cancellationToken);
                continue;
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                if (attempt < MaxAttempts && (status is 429 or 412 || status >= 500))
                {
                    var wait = response.Headers.RetryAfter?.Delta ?? Backoff(attempt);
                    logger.LogInformation("Bot Connector {Operation} answered {Status}; retrying in {Seconds}s", operation, status, wait.TotalSeconds);
                    await Task.Delay(wait < MaxRetryAfter ? wait : MaxRetryAfter, cancellationToken);
                    continue;
                }

                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    throw new ConnectorException(operation, response.StatusCode, text.Length > 300 ? text[..300] : text);
                }

                return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
            }
        }
    }

    private static bool IsTransient(Exception e) => e switch
    {
        HttpRequestException => true,
        TaskCanceledException { InnerException: TimeoutException } => true,
        MsalServiceException msal => msal.StatusCode is 429 or >= 500,
        MsalClientException { ErrorCode: "request_timeout" } => true,
        _ => false,
    };

    private static TimeSpan Backoff(int attempt) => TimeSpan.FromMilliseconds(200 * Math.Pow(2, attempt - 1) + Random.Shared.Next(0, 100));
}
