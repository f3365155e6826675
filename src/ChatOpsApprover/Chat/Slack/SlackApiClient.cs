using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>Slack refused a call (ok:false, or an HTTP error left after the retries); <see cref="Error"/> is Slack's error code (channel_not_found, invalid_auth…).</summary>
public sealed class SlackApiException(string method, string error, bool unavailable = false)
    : ChatApiException($"Slack {method} failed: {error}", unavailable)
{
    public string Error { get; } = error;
}

/// <summary>
/// A small typed client for the Slack Web API methods the bot uses: JSON bodies, ok:false surfaced as
/// <see cref="SlackApiException"/> (never retried: it is Slack's answer). The bot token, retries, Retry-After,
/// timeouts and the circuit breaker come from the HttpClient's handlers (<see cref="SlackEndpoints.AddSlack"/>).
/// </summary>
public sealed class SlackApiClient(HttpClient http, IOptions<SlackOptions> options)
{
    public Task<(string Channel, string Ts)> PostMessageAsync(string channel, string text, JsonArray? blocks, CancellationToken cancellationToken) =>
        PostMessageAsync(channel, text, blocks, threadTs: null, cancellationToken);

    /// <summary>Posts a message; with <paramref name="threadTs"/> it is a reply in that message's thread.</summary>
    public async Task<(string Channel, string Ts)> PostMessageAsync(string channel, string text, JsonArray? blocks, string? threadTs, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["channel"] = channel, ["text"] = text, ["unfurl_links"] = false, ["unfurl_media"] = false };
        if (blocks is not null)
        {
            body["blocks"] = blocks;
        }

        if (threadTs is not null)
        {
            body["thread_ts"] = threadTs;
        }

        var response = await CallAsync("chat.postMessage", body, cancellationToken);
        return (response["channel"]?.GetValue<string>() ?? channel, response["ts"]?.GetValue<string>() ?? throw new SlackApiException("chat.postMessage", "missing ts"));
    }

    public async Task UpdateMessageAsync(string channel, string ts, string text, JsonArray blocks, CancellationToken cancellationToken)
    {
        await CallAsync("chat.update", new JsonObject { ["channel"] = channel, ["ts"] = ts, ["text"] = text, ["blocks"] = blocks }, cancellationToken);
    }

    public async Task PostEphemeralAsync(string channel, string user, string text, CancellationToken cancellationToken)
    {
        await CallAsync("chat.postEphemeral", new JsonObject { ["channel"] = channel, ["user"] = user, ["text"] = text, ["unfurl_links"] = false, ["unfurl_media"] = false }, cancellationToken);
    }

    /// <summary>Opens (or finds) the direct-message channel with a user.</summary>
    public async Task<string> OpenDirectChannelAsync(string user, CancellationToken cancellationToken)
    {
        var response = await CallAsync("conversations.open", new JsonObject { ["users"] = user }, cancellationToken);
        return response["channel"]?["id"]?.GetValue<string>() ?? throw new SlackApiException("conversations.open", "missing channel id");
    }

    /// <summary>
    /// A trigger_id lives about 3 seconds: a view call still unanswered after this is given up, and the person is
    /// answered another way.
    /// </summary>
    private static readonly TimeSpan TriggerDeadline = TimeSpan.FromMilliseconds(2500);

    /// <summary>
    /// Opens a modal for the user whose click or command gave <paramref name="triggerId"/> (valid about 3 seconds,
    /// once); null when it opened, else why not (Slack's refusal, or no answer while the trigger lived).
    /// </summary>
    public Task<string?> TryOpenViewAsync(string triggerId, JsonObject view, CancellationToken cancellationToken) =>
        WithinTriggerAsync(t => CallAsync("views.open", new JsonObject { ["trigger_id"] = triggerId, ["view"] = view }, t), cancellationToken);

    /// <summary>
    /// Replaces an open view, within the deadline of the interaction that asked for it; with <paramref name="hash"/>,
    /// Slack refuses (hash_conflict) if it changed meanwhile. Null when replaced, else why not.
    /// </summary>
    public Task<string?> TryUpdateViewAsync(string viewId, string? hash, JsonObject view, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["view_id"] = viewId, ["view"] = view };
        if (hash is not null)
        {
            body["hash"] = hash;
        }

        return WithinTriggerAsync(t => CallAsync("views.update", body, t), cancellationToken);
    }

    private static async Task<string?> WithinTriggerAsync(Func<CancellationToken, Task> call, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TriggerDeadline);
        try
        {
            await call(deadline.Token);
            return null;
        }
        catch (Exception e) when (e is ChatApiException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return e.Message;
        }
    }

    /// <summary>Publishes a user's Home tab (views.publish); it replaces whatever that user's tab showed.</summary>
    public async Task PublishHomeAsync(string userId, JsonObject view, CancellationToken cancellationToken)
    {
        await CallAsync("views.publish", new JsonObject { ["user_id"] = userId, ["view"] = view }, cancellationToken);
    }

    /// <summary>The user ids in a usergroup (a GET with a query string: this method takes no JSON body).</summary>
    public async Task<IReadOnlyList<string>> UserGroupMembersAsync(string userGroupId, CancellationToken cancellationToken)
    {
        var response = await SendAsync("usergroups.users.list", new HttpRequestMessage(HttpMethod.Get, new Uri(options.Value.ApiBaseUrl, $"usergroups.users.list?usergroup={Uri.EscapeDataString(userGroupId)}")), cancellationToken);
        return response["users"]?.AsArray().Select(u => u?.GetValue<string>()).OfType<string>().ToArray() ?? throw new SlackApiException("usergroups.users.list", "missing users");
    }

    /// <summary>
    /// A new Socket Mode WebSocket address (apps.connections.open, with the app-level token: the bot token is refused
    /// there). Each address serves one connection.
    /// </summary>
    public async Task<Uri> OpenSocketConnectionAsync(string appToken, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.Value.ApiBaseUrl, "apps.connections.open"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", appToken);
        var response = await SendAsync("apps.connections.open", request, cancellationToken);
        return Uri.TryCreate(response["url"]?.GetValue<string>(), UriKind.Absolute, out var url) && (url.Scheme == "wss" || url.Scheme == "ws")
            ? url
            : throw new SlackApiException("apps.connections.open", "missing or invalid url");
    }

    private Task<JsonNode> CallAsync(string method, JsonObject body, CancellationToken cancellationToken) =>
        SendAsync(method, new HttpRequestMessage(HttpMethod.Post, new Uri(options.Value.ApiBaseUrl, method))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        }, cancellationToken);

    private async Task<JsonNode> SendAsync(string method, HttpRequestMessage message, CancellationToken cancellationToken)
    {
        using var request = message;
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception e) when (ChatApiException.NoAnswer($"Slack {method}", e, cancellationToken) is { } failure)
        {
            throw failure;
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new SlackApiException(method, $"HTTP {(int)response.StatusCode}", ChatApiException.IsUnavailableStatus(response.StatusCode));
            }

            var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken)) ?? throw new SlackApiException(method, "empty response");
            if (json["ok"]?.GetValue<bool>() != true)
            {
                throw new SlackApiException(method, json["error"]?.GetValue<string>() ?? "unknown_error");
            }

            return json;
        }
    }
}
