using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace ChatOpsApprover.Sandbox;

/// <summary>
/// The Slack Web API methods the bot calls, under /sandbox/api/{method}, in Slack's wire format: a bearer token
/// (not_authed, invalid_auth), JSON or form arguments (users.info and usergroups.users.list only as a query string or
/// form), HTTP 200 with {"ok":false,"error":…} for every refusal, the workspace kept in <see cref="SandboxWorkspace"/>.
/// </summary>
public static class SlackWebApi
{
    private const int MaxBodyBytes = 1024 * 1024;
    private const int MaxBlocks = 50;
    private const int MaxViewBlocks = 100;
    private const int MaxText = 40_000;
    private const int MaxTitle = 24;

    /// <summary>Methods Slack does not read JSON bodies for.</summary>
    private static readonly HashSet<string> FormOnly = new(StringComparer.Ordinal) { "users.info", "usergroups.users.list" };

    public static async Task HandleAsync(HttpContext context, string method, SandboxWorkspace workspace, SandboxSettings settings)
    {
        JsonObject answer;
        try
        {
            var (args, token, json) = await ReadAsync(context.Request, context.RequestAborted);
            answer = token is null ? Error("not_authed")
                : token != settings.BotToken ? Error("invalid_auth")
                : json && FormOnly.Contains(method) ? Error("invalid_arguments", $"[ERROR] {method} takes its arguments as a query string or form fields, not a JSON body")
                : Call(method, args, workspace);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            answer = Error("invalid_json", "[ERROR] the body is not a JSON object of at most 1 MB");
        }

        await context.Response.WriteAsJsonAsync(answer, context.RequestAborted);
    }

    private static JsonObject Call(string method, JsonObject args, SandboxWorkspace workspace) => method switch
    {
        "chat.postMessage" => PostMessage(args, workspace),
        "chat.update" => Update(args, workspace),
        "chat.postEphemeral" => PostEphemeral(args, workspace),
        "conversations.open" => OpenConversation(args, workspace),
        "views.open" => OpenView(args, workspace, push: false),
        "views.push" => OpenView(args, workspace, push: true),
        "views.update" => UpdateView(args, workspace),
        "views.publish" => Publish(args, workspace),
        "users.info" => UserInfo(args, workspace),
        "usergroups.users.list" => UserGroupMembers(args, workspace),
        "auth.test" => Ok(new JsonObject { ["url"] = "https://sandbox.slack.invalid/", ["team"] = "Sandbox", ["user"] = "chatopsapprover", ["team_id"] = SandboxSettings.TeamId, ["user_id"] = SandboxSettings.BotUserId, ["bot_id"] = SandboxSettings.BotId }),
        _ => Error("unknown_method"),
    };

    private static JsonObject PostMessage(JsonObject args, SandboxWorkspace workspace)
    {
        if (workspace.FindChannel(Text(args, "channel")) is not { } channel)
        {
            return Error("channel_not_found");
        }

        if (MessageContent(args, out var text, out var blocks) is { } problem)
        {
            return problem;
        }

        var threadTs = Text(args, "thread_ts");
        if (threadTs is not null && workspace.FindMessage(channel.Id, threadTs) is not { ThreadTs: null })
        {
            // Slack posts a reply to a missing parent as an ordinary message; a reply to a reply joins the parent's thread.
            threadTs = workspace.FindMessage(channel.Id, threadTs)?.ThreadTs;
        }

        var message = workspace.Post(channel.Id, SandboxSettings.BotUserId, text, blocks, threadTs);
        return Ok(new JsonObject { ["channel"] = channel.Id, ["ts"] = message.Ts, ["message"] = MessageJson(message) });
    }

    private static JsonObject Update(JsonObject args, SandboxWorkspace workspace)
    {
        if (workspace.FindChannel(Text(args, "channel")) is not { } channel)
        {
            return Error("channel_not_found");
        }

        if (MessageContent(args, out var text, out var blocks) is { } problem)
        {
            return problem;
        }

        if (workspace.FindMessage(channel.Id, Text(args, "ts") ?? string.Empty) is not { } existing)
        {
            return Error("message_not_found");
        }

        if (existing.Author != SandboxSettings.BotUserId)
        {
            return Error("cant_update_message");
        }

        var updated = workspace.Update(channel.Id, existing.Ts, text, blocks ?? (args.ContainsKey("blocks") ? null : existing.Blocks))!;
        return Ok(new JsonObject { ["channel"] = channel.Id, ["ts"] = updated.Ts, ["text"] = updated.Text, ["message"] = MessageJson(updated) });
    }

    private static JsonObject PostEphemeral(JsonObject args, SandboxWorkspace workspace)
    {
        if (workspace.FindChannel(Text(args, "channel")) is not { } channel)
        {
            return Error("channel_not_found");
        }

        if (workspace.FindBySlackId(Text(args, "user")) is not { } user)
        {
            return Error("user_not_found");
        }

        if (MessageContent(args, out var text, out var blocks) is { } problem)
        {
            return problem;
        }

        var message = workspace.PostEphemeral(channel.Id, user.SlackId, text, blocks);
        return Ok(new JsonObject { ["message_ts"] = message.Ts });
    }

    private static JsonObject OpenConversation(JsonObject args, SandboxWorkspace workspace)
    {
        var users = Text(args, "users")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        if (users.Length == 0)
        {
            return Error("users_list_not_supplied");
        }

        if (users.Length > 1)
        {
            return Error("invalid_arguments", "[ERROR] the sandbox opens direct messages with one person at a time");
        }

        if (workspace.FindBySlackId(users[0]) is not { } person)
        {
            return Error("user_not_found");
        }

        var channel = workspace.OpenDirect(person);
        return Ok(new JsonObject { ["channel"] = new JsonObject { ["id"] = channel.Id } });
    }

    private static JsonObject OpenView(JsonObject args, SandboxWorkspace workspace, bool push)
    {
        if (Text(args, "trigger_id") is null)
        {
            return Error("invalid_arguments", "[ERROR] missing required field: trigger_id");
        }

        if (ViewArgument(args, "modal", MaxViewBlocks, out var view) is { } problem)
        {
            return problem;
        }

        var (user, triggerError) = workspace.UseTrigger(Text(args, "trigger_id"));
        if (triggerError is not null)
        {
            return Error(triggerError);
        }

        var (opened, error) = workspace.OpenModal(user!, view!, push);
        return error is not null ? Error(error) : Ok(new JsonObject { ["view"] = opened!.Body.DeepClone() });
    }

    private static JsonObject UpdateView(JsonObject args, SandboxWorkspace workspace)
    {
        var viewId = Text(args, "view_id");
        var externalId = Text(args, "external_id");
        if (viewId is null && externalId is null)
        {
            return Error("invalid_arguments", "[ERROR] give view_id or external_id");
        }

        if (ViewArgument(args, null, MaxViewBlocks, out var view) is { } problem)
        {
            return problem;
        }

        var (updated, error) = workspace.UpdateView(viewId, externalId, Text(args, "hash"), view!);
        return error is not null ? Error(error) : Ok(new JsonObject { ["view"] = updated!.Body.DeepClone() });
    }

    private static JsonObject Publish(JsonObject args, SandboxWorkspace workspace)
    {
        if (workspace.FindBySlackId(Text(args, "user_id")) is not { } user)
        {
            return Error("user_not_found");
        }

        if (ViewArgument(args, "home", MaxViewBlocks, out var view) is { } problem)
        {
            return problem;
        }

        var (published, error) = workspace.Publish(user.SlackId, Text(args, "hash"), view!);
        return error is not null ? Error(error) : Ok(new JsonObject { ["view"] = published!.Body.DeepClone() });
    }

    private static JsonObject UserInfo(JsonObject args, SandboxWorkspace workspace)
    {
        if (workspace.FindBySlackId(Text(args, "user")) is not { } person)
        {
            return Error("user_not_found");
        }

        return Ok(new JsonObject
        {
            ["user"] = new JsonObject
            {
                ["id"] = person.SlackId,
                ["team_id"] = SandboxSettings.TeamId,
                ["name"] = person.PersonId,
                ["deleted"] = false,
                ["real_name"] = person.PersonId,
                ["tz"] = "UTC",
                ["is_bot"] = false,
                ["profile"] = new JsonObject { ["real_name"] = person.PersonId, ["display_name"] = person.PersonId },
            },
        });
    }

    private static JsonObject UserGroupMembers(JsonObject args, SandboxWorkspace workspace) =>
        workspace.UserGroupMembers(Text(args, "usergroup") ?? string.Empty) is { } members
            ? Ok(new JsonObject { ["users"] = new JsonArray([.. members.Select(m => (JsonNode)JsonValue.Create(m))]) })
            : Error("no_such_subteam");

    /// <summary>A message needs text or blocks; blocks must be an array of at most 50 objects with a type.</summary>
    private static JsonObject? MessageContent(JsonObject args, out string text, out JsonArray? blocks)
    {
        text = Text(args, "text") ?? string.Empty;
        blocks = null;
        if (args.ContainsKey("blocks"))
        {
            blocks = Array(args, "blocks");
            if (blocks is null || blocks.Count > MaxBlocks || blocks.Any(b => BlockIds.Text(b, "type") is null))
            {
                return Error("invalid_blocks", $"[ERROR] blocks must be an array of at most {MaxBlocks} blocks, each with a type");
            }
        }

        if (text.Length == 0 && blocks is not { Count: > 0 })
        {
            return Error("no_text");
        }

        return text.Length > MaxText ? Error("msg_too_long") : null;
    }

    /// <summary>The view argument (a JSON object, or JSON text in a form), of <paramref name="type"/> when one is required.</summary>
    private static JsonObject? ViewArgument(JsonObject args, string? type, int maxBlocks, out JsonObject? view)
    {
        view = args["view"] switch
        {
            JsonObject o => o,
            JsonValue v when v.TryGetValue<string>(out var s) => ParseObject(s),
            _ => null,
        };
        if (view is null)
        {
            return Error("invalid_arguments", "[ERROR] missing required field: view");
        }

        var viewType = BlockIds.Text(view, "type");
        if (type is not null && viewType != type)
        {
            return Error("invalid_arguments", $"[ERROR] the view's type must be {type}");
        }

        if (view["blocks"] is not JsonArray blocks || blocks.Count > maxBlocks || blocks.Any(b => BlockIds.Text(b, "type") is null))
        {
            return Error("invalid_arguments", $"[ERROR] the view needs blocks: an array of at most {maxBlocks} blocks, each with a type");
        }

        if (viewType == "modal" && (BlockIds.Text(view["title"], "text") is not { Length: > 0 and <= MaxTitle }))
        {
            return Error("invalid_arguments", $"[ERROR] a modal needs a plain_text title of at most {MaxTitle} characters");
        }

        if (viewType == "modal" && blocks.Any(b => BlockIds.Text(b, "type") == "input") && view["submit"] is null)
        {
            return Error("invalid_arguments", "[ERROR] a modal with input blocks needs a submit button");
        }

        return null;
    }

    public static JsonObject MessageJson(SandboxMessage message)
    {
        var json = new JsonObject
        {
            ["type"] = "message",
            ["user"] = message.Author,
            ["text"] = message.Text,
            ["ts"] = message.Ts,
            ["team"] = SandboxSettings.TeamId,
        };
        if (message.Author == SandboxSettings.BotUserId)
        {
            json["bot_id"] = SandboxSettings.BotId;
            json["app_id"] = SandboxSettings.AppId;
        }

        if (message.Blocks is not null)
        {
            json["blocks"] = message.Blocks.DeepClone();
        }

        if (message.ThreadTs is not null)
        {
            json["thread_ts"] = message.ThreadTs;
        }

        return json;
    }

    private static async Task<(JsonObject Args, string? Token, bool Json)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var token = request.Headers.Authorization.ToString() is { } header && header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..].Trim() : null;
        var args = new JsonObject();
        foreach (var (key, value) in request.Query)
        {
            args[key] = value.ToString();
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            return (args, token ?? Text(args, "token"), false);
        }

        using var bytes = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (bytes.Length + read > MaxBodyBytes)
            {
                throw new InvalidDataException("The body is too large.");
            }

            bytes.Write(chunk, 0, read);
        }

        var body = System.Text.Encoding.UTF8.GetString(bytes.GetBuffer(), 0, (int)bytes.Length);
        if (request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true)
        {
            var json = JsonNode.Parse(body) as JsonObject ?? throw new InvalidDataException("Not a JSON object.");
            foreach (var (key, value) in json)
            {
                args[key] = value?.DeepClone();
            }

            return (args, token, true);
        }

        foreach (var (key, value) in new FormReader(body).ReadForm())
        {
            args[key] = value.ToString();
        }

        return (args, token ?? Text(args, "token"), false);
    }

    private static string? Text(JsonObject args, string name) => args[name] switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s.Length == 0 ? null : s,
        JsonValue v => v.ToJsonString(),
        _ => null,
    };

    /// <summary>A JSON array argument, given as JSON or (in a form) as JSON text.</summary>
    private static JsonArray? Array(JsonObject args, string name) => args[name] switch
    {
        JsonArray a => a,
        JsonValue v when v.TryGetValue<string>(out var s) => Parse(s) as JsonArray,
        _ => null,
    };

    private static JsonObject? ParseObject(string json) => Parse(json) as JsonObject;

    private static JsonNode? Parse(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonObject Ok(JsonObject fields)
    {
        var answer = new JsonObject { ["ok"] = true };
        foreach (var (key, value) in fields.ToList())
        {
            fields.Remove(key);
            answer[key] = value;
        }

        return answer;
    }

    private static JsonObject Error(string error, string? message = null)
    {
        var answer = new JsonObject { ["ok"] = false, ["error"] = error };
        if (message is not null)
        {
            answer["response_metadata"] = new JsonObject { ["messages"] = new JsonArray(message) };
        }

        return answer;
    }
}
