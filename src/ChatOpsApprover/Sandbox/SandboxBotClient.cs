using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ChatOpsApprover.Chat.Slack;

namespace ChatOpsApprover.Sandbox;

/// <summary>
/// The sandbox speaking as Slack to the bot over HTTP: slash commands and interaction payloads form-encoded, events as
/// JSON, each signed with v0 HMAC over the exact bytes sent, to the bot's real endpoints.
/// </summary>
public sealed class SandboxBotClient(HttpClient http, SandboxSettings settings, TimeProvider time)
{
    public Task<BotAnswer> CommandAsync(IEnumerable<KeyValuePair<string, string>> fields, CancellationToken cancellationToken) =>
        PostAsync("slack/commands", Form(fields), "application/x-www-form-urlencoded", cancellationToken);

    public Task<BotAnswer> InteractAsync(JsonObject payload, CancellationToken cancellationToken) =>
        PostAsync("slack/interactions", Form([new("payload", payload.ToJsonString())]), "application/x-www-form-urlencoded", cancellationToken);

    public Task<BotAnswer> EventAsync(JsonObject envelope, CancellationToken cancellationToken) =>
        PostAsync("slack/events", envelope.ToJsonString(), "application/json", cancellationToken);

    /// <summary>Slack's form encoding: spaces as +, everything else percent-encoded as needed.</summary>
    private static string Form(IEnumerable<KeyValuePair<string, string>> fields) =>
        string.Join('&', fields.Select(f => $"{Encode(f.Key)}={Encode(f.Value)}"));

    private static string Encode(string value) => Uri.EscapeDataString(value).Replace("%20", "+", StringComparison.Ordinal);

    private async Task<BotAnswer> PostAsync(string path, string body, string contentType, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(settings.BotBase, path)) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType) { CharSet = "utf-8" };
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", SlackSignatureVerifier.Compute(settings.SigningSecret, timestamp, bytes));
        request.Headers.UserAgent.ParseAdd("Slackbot 1.0 (+https://api.slack.com/robots)");
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return new BotAnswer((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken), clock.Elapsed);
        }
        catch (HttpRequestException e)
        {
            return new BotAnswer(0, e.Message, clock.Elapsed);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new BotAnswer(0, "no answer within the sandbox's time limit", clock.Elapsed);
        }
    }
}
