using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ChatOpsApprover.Chat.Slack;

namespace ChatOpsApprover.IntegrationTests.Infrastructure;

/// <summary>Speaking Slack's Events API (POST /slack/events, JSON, v0-signed) and clicking in the Home tab.</summary>
public sealed partial class BotHost
{
    /// <summary>The Events API envelope of app_home_opened for <paramref name="userId"/>, as Slack posts it.</summary>
    public static JsonObject AppHomeOpened(string userId, string? eventId = null, string tab = "home") => new()
    {
        ["token"] = "legacy",
        ["team_id"] = "T0TEAM",
        ["api_app_id"] = "A0APP",
        ["event"] = new JsonObject
        {
            ["type"] = "app_home_opened",
            ["user"] = userId,
            ["channel"] = "D" + userId,
            ["tab"] = tab,
            ["event_ts"] = "1700000000.000400",
        },
        ["type"] = "event_callback",
        ["event_id"] = eventId ?? "Ev" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant(),
        ["event_time"] = 1_700_000_000,
        ["authorizations"] = new JsonArray(new JsonObject { ["team_id"] = "T0TEAM", ["user_id"] = "U0BOT", ["is_bot"] = true, ["is_enterprise_install"] = false }),
        ["is_ext_shared_channel"] = false,
    };

    /// <summary>
    /// Posts <paramref name="body"/> to /slack/events, v0-signed at <paramref name="timestamp"/> (now by default), with
    /// Slack's retry headers when <paramref name="retryNum"/> is set (Slack signs every delivery anew).
    /// </summary>
    public Task<HttpResponseMessage> PostEventAsync(string body, int? retryNum = null, long? timestamp = null, string? signature = null)
    {
        var ts = (timestamp ?? Time.GetUtcNow().ToUnixTimeSeconds()).ToString(CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, "/slack/events")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Slack-Request-Timestamp", ts);
        request.Headers.Add("X-Slack-Signature", signature ?? SlackSignatureVerifier.Compute(SigningSecret, ts, Encoding.UTF8.GetBytes(body)));
        if (retryNum is { } retry)
        {
            request.Headers.Add("X-Slack-Retry-Num", retry.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add("X-Slack-Retry-Reason", "http_timeout");
        }

        return Http.SendAsync(request);
    }

    /// <summary>Opens the bot's Home tab as <paramref name="userId"/> and waits for the tab the bot publishes (the newest).</summary>
    public async Task<JsonObject> OpenHomeTabAsync(string userId)
    {
        var before = Slack.HomeTabsOf(userId).Count;
        using (var response = await PostEventAsync(AppHomeOpened(userId).ToJsonString()))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        return await Wait.UntilAsync(() => Task.FromResult(Slack.HomeTabsOf(userId) is { } tabs && tabs.Count > before ? tabs[^1] : null), $"the Home tab of {userId} to be published");
    }

    /// <summary>Waits until the Home tab published last for <paramref name="userId"/> satisfies <paramref name="shows"/>.</summary>
    public Task<JsonObject> WaitForHomeTabAsync(string userId, Func<string, bool> shows, string what) =>
        Wait.UntilAsync(() => Task.FromResult(Slack.HomeTabsOf(userId) is { Count: > 0 } tabs && shows(Readable(tabs[^1])) ? tabs[^1] : null), $"the Home tab of {userId} to show {what}");

    /// <summary>The view as JSON text without \u003C-style escapes, so tests can search it for what Slack would render.</summary>
    public static string Readable(JsonObject view) => new SlackCall("view", view, null).Json;

    /// <summary>Clicks the button <paramref name="actionId"/> (value <paramref name="value"/>) in <paramref name="userId"/>'s Home tab, as Slack sends it.</summary>
    public async Task ClickInHomeTabAsync(string userId, string actionId, string value, string? triggerId = null)
    {
        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            ["user"] = new JsonObject { ["id"] = userId, ["username"] = userId.ToLowerInvariant(), ["team_id"] = "T0TEAM" },
            ["api_app_id"] = "A0APP",
            ["team"] = new JsonObject { ["id"] = "T0TEAM", ["domain"] = "example" },
            ["container"] = new JsonObject { ["type"] = "view", ["view_id"] = "VHOME" + userId },
            ["trigger_id"] = triggerId ?? NextTriggerId(),
            ["view"] = new JsonObject { ["id"] = "VHOME" + userId, ["type"] = "home" },
            ["actions"] = new JsonArray
            {
                new JsonObject
                {
                    ["type"] = "button",
                    ["action_id"] = actionId,
                    ["block_id"] = $"jit_home_{value}",
                    ["value"] = value,
                    ["action_ts"] = "1700000000.000500",
                },
            },
        };
        using var response = await PostSignedAsync("/slack/interactions", "payload=" + Uri.EscapeDataString(payload.ToJsonString()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
