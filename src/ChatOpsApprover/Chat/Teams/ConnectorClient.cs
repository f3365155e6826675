using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ChatOpsApprover.Observability;
using Microsoft.Identity.Client;

namespace ChatOpsApprover.Chat.Teams;

/// <summary>The connector refused a call, or still failed after the retries; <see cref="Status"/> is its HTTP status.</summary>
public sealed class ConnectorException(string operation, HttpStatusCode status, string detail)
    : ChatApiException($"Bot Connector {operation} failed with HTTP {(int)status}: {detail}", IsTransientStatus(status))
{
    public HttpStatusCode Status { get; } = status;

    /// <summary>The connector's "try later" answers: 412 besides throttling, timeouts and server errors.</summary>
    public static bool IsTransientStatus(HttpStatusCode status) => status == HttpStatusCode.PreconditionFailed || IsUnavailableStatus(status);
}

/// <summary>
/// The Bot Connector REST calls the bot makes (v3 conversations API). The client-credential token, retries (429 after
/// its Retry-After, 412, 5xx, failed connections, Entra throttling), timeouts and the circuit breaker come from the
/// HttpClient's handlers (<see cref="TeamsEndpoints.AddTeams"/>); what still fails surfaces as a
/// <see cref="ChatApiException"/>.
/// </summary>
public sealed class ConnectorClient(HttpClient http)
{
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
        using var request = new HttpRequestMessage(method, url) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Options.Set(ChatApiCallMetering.Method, operation.Replace(' ', '_'));
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception e) when (ChatApiException.NoAnswer($"Bot Connector {operation}", e, cancellationToken) is { } failure)
        {
            throw failure;
        }
        catch (MsalException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ChatApiException($"Bot Connector {operation}: no token from Microsoft Entra ({e.ErrorCode})", ConnectorTokenProvider.IsTransient(e), e);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new ConnectorException(operation, response.StatusCode, text.Length > 300 ? text[..300] : text);
            }

            return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
        }
    }
}
