using System.Globalization;
using System.Text.Json.Nodes;

namespace ChatOpsApprover.Sandbox;

/// <summary>What Slack sends an app, with the fields Slack fills: slash commands, block_actions, view_submission, view_closed, events.</summary>
public static class SlackPayloads
{
    public static IEnumerable<KeyValuePair<string, string>> Command(SandboxPerson user, SandboxChannel channel, string command, string text, string triggerId, Uri responseUrl) =>
    [
        new("token", "sandbox-verification-token"),
        new("team_id", SandboxSettings.TeamId),
        new("team_domain", "sandbox"),
        new("channel_id", channel.Id),
        new("channel_name", channel.DirectWith is null ? channel.Name : "directmessage"),
        new("user_id", user.SlackId),
        new("user_name", user.PersonId),
        new("command", command),
        new("text", text),
        new("api_app_id", SandboxSettings.AppId),
        new("is_enterprise_install", "false"),
        new("response_url", responseUrl.AbsoluteUri),
        new("trigger_id", triggerId),
    ];

    /// <summary>A click or choice on a message (ephemeral or not) or in a view.</summary>
    /// <param name="where">The message or view clicked in.</param>
    /// <param name="action">The element, with what was chosen (selected_option) for a select.</param>
    public static JsonObject BlockActions(SandboxPerson user, ActionSurface where, JsonObject block, JsonObject action, string triggerId, DateTimeOffset now)
    {
        var payload = Envelope("block_actions", user, triggerId);
        var element = (JsonObject)action.DeepClone();
        element["block_id"] = BlockIds.Text(block, "block_id");
        element["action_ts"] = ActionTs(now);
        switch (where)
        {
            case ActionSurface.InMessage m:
                payload["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = m.Message.Ts, ["channel_id"] = m.Message.Channel, ["is_ephemeral"] = false };
                payload["channel"] = Channel(m.Channel);
                payload["message"] = SlackWebApi.MessageJson(m.Message);
                payload["state"] = new JsonObject { ["values"] = m.State };
                break;
            case ActionSurface.InEphemeral e:
                // Slack sends no message for an ephemeral one: apps change it only through response_url.
                payload["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = e.Message.Ts, ["channel_id"] = e.Message.Channel, ["is_ephemeral"] = true };
                payload["channel"] = Channel(e.Channel);
                payload["state"] = new JsonObject { ["values"] = e.State };
                break;
            case ActionSurface.InView v:
                payload["container"] = new JsonObject { ["type"] = "view", ["view_id"] = v.View.Id };
                payload["view"] = v.View.Body.DeepClone();
                break;
        }

        payload["response_url"] = "https://hooks.slack.invalid/actions/sandbox";
        payload["actions"] = new JsonArray(element);
        return payload;
    }

    public static JsonObject ViewSubmission(SandboxPerson user, SandboxView view, string triggerId)
    {
        var payload = Envelope("view_submission", user, triggerId);
        payload["view"] = view.Body.DeepClone();
        payload["response_urls"] = new JsonArray();
        return payload;
    }

    public static JsonObject ViewClosed(SandboxPerson user, SandboxView view, bool cleared)
    {
        var payload = Envelope("view_closed", user, triggerId: null);
        payload["view"] = view.Body.DeepClone();
        payload["is_cleared"] = cleared;
        return payload;
    }

    /// <summary>The Events API envelope of app_home_opened, sent when a person opens the bot's Home tab.</summary>
    public static JsonObject AppHomeOpened(SandboxPerson user, SandboxChannel direct, SandboxView? home, DateTimeOffset now)
    {
        var seconds = now.ToUnixTimeSeconds();
        var appEvent = new JsonObject
        {
            ["type"] = "app_home_opened",
            ["user"] = user.SlackId,
            ["channel"] = direct.Id,
            ["tab"] = "home",
            ["event_ts"] = ActionTs(now),
        };
        if (home is not null)
        {
            appEvent["view"] = home.Body.DeepClone();
        }

        return new JsonObject
        {
            ["token"] = "sandbox-verification-token",
            ["team_id"] = SandboxSettings.TeamId,
            ["api_app_id"] = SandboxSettings.AppId,
            ["event"] = appEvent,
            ["type"] = "event_callback",
            ["event_id"] = "Ev" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant(),
            ["event_time"] = seconds,
            ["authorizations"] = new JsonArray(new JsonObject { ["team_id"] = SandboxSettings.TeamId, ["user_id"] = SandboxSettings.BotUserId, ["is_bot"] = true, ["is_enterprise_install"] = false }),
            ["is_ext_shared_channel"] = false,
        };
    }

    private static JsonObject Envelope(string type, SandboxPerson user, string? triggerId)
    {
        var payload = new JsonObject
        {
            ["type"] = type,
            ["user"] = new JsonObject { ["id"] = user.SlackId, ["username"] = user.PersonId, ["name"] = user.PersonId, ["team_id"] = SandboxSettings.TeamId },
            ["api_app_id"] = SandboxSettings.AppId,
            ["token"] = "sandbox-verification-token",
            ["team"] = new JsonObject { ["id"] = SandboxSettings.TeamId, ["domain"] = "sandbox" },
            ["enterprise"] = null,
            ["is_enterprise_install"] = false,
        };
        if (triggerId is not null)
        {
            payload["trigger_id"] = triggerId;
        }

        return payload;
    }

    private static JsonObject Channel(SandboxChannel channel) =>
        new() { ["id"] = channel.Id, ["name"] = channel.DirectWith is null ? channel.Name : "directmessage" };

    private static string ActionTs(DateTimeOffset now)
    {
        var micros = now.ToUnixTimeMilliseconds() * 1000;
        return (micros / 1_000_000).ToString(CultureInfo.InvariantCulture) + "." + (micros % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
    }
}
