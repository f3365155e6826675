using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>Slack answered ok:false; <see cref="Error"/> is Slack's error code (channel_not_found, invalid_auth…).</summary>
public sealed class SlackApiException(string method, string error) : Exception($"Slack {method} failed: {error}")
{
    public string Error { get; } = error;
}

/// <summary>
/// A small typed client for the Slack Web API methods the bot uses. JSON bodies with the bot token; honours HTTP 429
/// Retry-After and retries transient failures; surfaces ok:false as <see cref="SlackApiException"/>.
/// </summary>
public sealed class SlackApiClient(HttpClient http, IOptions<SlackOptions> options, ILogger<SlackApiClient> logger)
{
    private const int MaxAttempts = 5;
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

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
        await CallAsync("chat.postEphemeral", new JsonObject { ["channel"] = channel, ["user"] = user, ["text"] = text }, cancellationToken);
    }

    /// <summary>Opens (or finds) the direct-message channel with a user.</summary>
    public async Task<string> OpenDirectChannelAsync(string user, CancellationToken cancellationToken)
    {
        var response = await CallAsync("conversations.open", new JsonObject { ["users"] = user }, cancellationToken);
        return response["channel"]?["id"]?.GetValue<string>() ?? throw new SlackApiException("conversations.open", "missing channel id");
    }

    private async Task<JsonNode> CallAsync(string method, JsonObject body, CancellationToken cancellationToken)
    {
        var payload = body.ToJsonString();
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.Value.ApiBaseUrl, method))
            {
                Content = new StringContent(payload, Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.BotToken);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException e) when (attempt < MaxAttempts)
            {
                logger.LogWarning("Slack {Method} failed to connect ({Error}); retrying", method, e.Message);
                await Task.Delay(Backoff(attempt), cancellationToken);
                continue;
            }

            using (response)
            {
                if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt < MaxAttempts)
                {
                    var wait = response.Headers.RetryAfter?.Delta ?? Backoff(attempt);
                    logger.LogInformation("Slack {Method} rate limited; retrying after {Seconds}s", method, wait.TotalSeconds);
                    await Task.Delay(wait < MaxRetryAfter ? wait : MaxRetryAfter, cancellationToken);
                    continue;
                }

                if ((int)response.StatusCode >= 500 && attempt < MaxAttempts)
                {
                    await Task.Delay(Backoff(attempt), cancellationToken);
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    throw new SlackApiException(method, $"HTTP {(int)response.StatusCode}");
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

    private static TimeSpan Backoff(int attempt) => TimeSpan.FromMilliseconds(200 * Math.Pow(2, attempt - 1) + Random.Shared.Next(0, 100));

}
