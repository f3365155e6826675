using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatOpsApprover.IntegrationTests.Infrastructure;

/// <summary>One Web API call as Slack received it.</summary>
public sealed record SlackCall(string Method, JsonObject Body, string? Authorization)
{
    private static readonly System.Text.Json.JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The body as JSON text without \u003C-style escapes, so tests can search it for what Slack would render.</summary>
    public string Json => Body.ToJsonString(Readable);

    public string Text => Body["text"]?.GetValue<string>() ?? string.Empty;
}

/// <summary>
/// A local stand-in for Slack's Web API over loopback HTTP, speaking its wire format (JSON bodies, ok/error envelope,
/// 429 with Retry-After), recording every call so tests can assert what the bot sent.
/// </summary>
public sealed class FakeSlackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<SlackCall> _calls = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Func<HttpContext, Task<bool>>>> _overrides = new();
    private readonly ConcurrentDictionary<string, string> _refusedChannels = new();
    private long _ts = 1_700_000_000_000100;

    private FakeSlackServer(WebApplication app) => _app = app;

    public Uri ApiBaseUrl { get; private set; } = null!;

    public IReadOnlyList<SlackCall> Calls => _calls.ToArray();

    /// <summary>Usergroups by id, with their members' user ids, as usergroups.users.list answers them.</summary>
    public ConcurrentDictionary<string, string[]> UserGroups { get; } = new(StringComparer.Ordinal);

    public IEnumerable<SlackCall> CallsTo(string method) => _calls.Where(c => c.Method == method);

    /// <summary>The Home tabs views.publish published for <paramref name="userId"/>, oldest first.</summary>
    public IReadOnlyList<JsonObject> HomeTabsOf(string userId) =>
        _homeTabs.TryGetValue(userId, out var views) ? views.ToArray() : [];

    private readonly ConcurrentDictionary<string, ConcurrentQueue<JsonObject>> _homeTabs = new(StringComparer.Ordinal);

    /// <summary>Socket Mode: apps.connections.open and the WebSocket it points to.</summary>
    public FakeSlackSocketMode SocketMode { get; } = new();

    public static async Task<FakeSlackServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FakeSlackServer(app);
        app.UseWebSockets();
        app.Map("/socket/{number}", server.SocketMode.AcceptAsync);
        app.MapPost("/api/{method}", server.HandleAsync);
        app.MapGet("/api/{method}", server.HandleGetAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.ApiBaseUrl = new Uri(address.TrimEnd('/') + "/api/");
        return server;
    }

    /// <summary>The next <paramref name="times"/> calls of <paramref name="method"/> get HTTP 429 with Retry-After.</summary>
    public void RateLimitNext(string method, int times, int retryAfterSeconds = 1)
    {
        for (var i = 0; i < times; i++)
        {
            Override(method, async context =>
            {
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                await context.Response.WriteAsync(string.Empty);
                return true;
            });
        }
    }

    /// <summary>The next call of <paramref name="method"/> answers ok:false with <paramref name="error"/>.</summary>
    public void FailNext(string method, string error) =>
        Override(method, async context =>
        {
            await context.Response.WriteAsJsonAsync(new { ok = false, error });
            return true;
        });

    /// <summary>Every call naming <paramref name="channel"/> answers ok:false with <paramref name="error"/> until <see cref="AcceptChannel"/>.</summary>
    public void RefuseChannel(string channel, string error = "channel_not_found") => _refusedChannels[channel] = error;

    public void AcceptChannel(string channel) => _refusedChannels.TryRemove(channel, out _);

    private void Override(string method, Func<HttpContext, Task<bool>> handler) =>
        _overrides.GetOrAdd(method, _ => new ConcurrentQueue<Func<HttpContext, Task<bool>>>()).Enqueue(handler);

    private async Task HandleAsync(HttpContext context, string method)
    {
        // apps.connections.open is posted without a body.
        var text = await new StreamReader(context.Request.Body).ReadToEndAsync();
        var body = text.Length == 0 ? [] : JsonNode.Parse(text) as JsonObject ?? [];
        if (_overrides.TryGetValue(method, out var queue) && queue.TryDequeue(out var handler))
        {
            _calls.Enqueue(new SlackCall(method + "#overridden", body, context.Request.Headers.Authorization));
            await handler(context);
            return;
        }

        if (body["channel"]?.GetValue<string>() is { } channel && _refusedChannels.TryGetValue(channel, out var refusal))
        {
            _calls.Enqueue(new SlackCall(method + "#refused", body, context.Request.Headers.Authorization));
            await context.Response.WriteAsJsonAsync(new { ok = false, error = refusal });
            return;
        }

        _calls.Enqueue(new SlackCall(method, body, context.Request.Headers.Authorization));
        if (method == "apps.connections.open")
        {
            await context.Response.WriteAsJsonAsync(SocketMode.OpenConnection(context.Request.Headers.Authorization, ApiBaseUrl));
            return;
        }

        if (context.Request.Headers.Authorization != "Bearer xoxb-test-token")
        {
            await context.Response.WriteAsJsonAsync(new { ok = false, error = "invalid_auth" });
            return;
        }

        JsonObject response = method switch
        {
            "chat.postMessage" => new JsonObject
            {
                ["ok"] = true,
                ["channel"] = body["channel"]?.GetValue<string>(),
                ["ts"] = NextTs(),
            },
            "conversations.open" => new JsonObject
            {
                ["ok"] = true,
                ["channel"] = new JsonObject { ["id"] = "D" + body["users"]?.GetValue<string>() },
            },
            "chat.update" or "chat.postEphemeral" => new JsonObject { ["ok"] = true, ["ts"] = body["ts"]?.GetValue<string>() },
            "views.open" => new JsonObject
            {
                ["ok"] = true,
                ["view"] = new JsonObject { ["id"] = "V" + NextTs().Replace(".", string.Empty, StringComparison.Ordinal), ["callback_id"] = body["view"]?["callback_id"]?.GetValue<string>() },
            },
            "views.update" => new JsonObject
            {
                ["ok"] = true,
                ["view"] = new JsonObject { ["id"] = body["view_id"]?.GetValue<string>(), ["hash"] = NextTs(), ["callback_id"] = body["view"]?["callback_id"]?.GetValue<string>() },
            },
            "views.publish" => Publish(body),
            _ => new JsonObject { ["ok"] = false, ["error"] = "unknown_method" },
        };
        await context.Response.WriteAsJsonAsync(response);
    }

    /// <summary>views.publish: a user's Home tab (a view of type home), recorded per user.</summary>
    private JsonObject Publish(JsonObject body)
    {
        if (body["user_id"]?.GetValue<string>() is not { Length: > 0 } userId)
        {
            return new JsonObject { ["ok"] = false, ["error"] = "invalid_arguments" };
        }

        if (body["view"] is not JsonObject view || view["type"]?.GetValue<string>() != "home")
        {
            return new JsonObject { ["ok"] = false, ["error"] = "invalid_arguments" };
        }

        _homeTabs.GetOrAdd(userId, _ => new ConcurrentQueue<JsonObject>()).Enqueue((JsonObject)view.DeepClone());
        return new JsonObject
        {
            ["ok"] = true,
            ["view"] = new JsonObject { ["id"] = "VHOME" + userId, ["type"] = "home", ["hash"] = NextTs() },
        };
    }

    /// <summary>Methods Slack serves only as GET with a query string (usergroups.users.list); the query is recorded as the body.</summary>
    private async Task HandleGetAsync(HttpContext context, string method)
    {
        var query = new JsonObject();
        foreach (var (key, value) in context.Request.Query)
        {
            query[key] = value.ToString();
        }

        if (_overrides.TryGetValue(method, out var queue) && queue.TryDequeue(out var handler))
        {
            _calls.Enqueue(new SlackCall(method + "#overridden", query, context.Request.Headers.Authorization));
            await handler(context);
            return;
        }

        _calls.Enqueue(new SlackCall(method, query, context.Request.Headers.Authorization));
        if (context.Request.Headers.Authorization != "Bearer xoxb-test-token")
        {
            await context.Response.WriteAsJsonAsync(new { ok = false, error = "invalid_auth" });
            return;
        }

        JsonObject response = method switch
        {
            "usergroups.users.list" when UserGroups.TryGetValue(query["usergroup"]?.GetValue<string>() ?? string.Empty, out var members) =>
                new JsonObject { ["ok"] = true, ["users"] = new JsonArray([.. members.Select(m => JsonValue.Create(m))]) },
            "usergroups.users.list" => new JsonObject { ["ok"] = false, ["error"] = "no_such_subteam" },
            _ => new JsonObject { ["ok"] = false, ["error"] = "unknown_method" },
        };
        await context.Response.WriteAsJsonAsync(response);
    }

    private string NextTs()
    {
        var value = Interlocked.Increment(ref _ts);
        return $"{value / 1_000_000}.{value % 1_000_000:D6}";
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
