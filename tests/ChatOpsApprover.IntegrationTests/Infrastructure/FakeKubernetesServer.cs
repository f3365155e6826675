using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ChatOpsApprover.IntegrationTests.Infrastructure;

/// <summary>
/// The part of a Kubernetes API server the target uses, speaking its REST wire format over loopback: RoleBindings
/// and ClusterRoleBindings created (201, or 409 AlreadyExists), read, listed by label selector, deleted (200 Status,
/// or 404 NotFound), every error a Status object; bearer-token authentication. Reached through a kubeconfig file it writes.
/// </summary>
public sealed class FakeKubernetesServer : IAsyncDisposable
{
    public const string Token = "fake-kubernetes-token";
    private const string Group = "rbac.authorization.k8s.io";
    private WebApplication _app = null!;
    private readonly ConcurrentDictionary<string, JsonObject> _objects = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _calls = new();
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"fake-kube-{Guid.NewGuid():N}");
    private int _loseCreateReplies;
    private Action? _beforeNextDelete;
    private long _version;

    /// <summary>A kubeconfig file naming this server, with a bearer token, in context "fake".</summary>
    public string KubeconfigPath { get; private set; } = null!;

    /// <summary>"POST rolebindings payments", "DELETE clusterrolebindings x", … in order.</summary>
    public IReadOnlyList<string> Calls => _calls.ToArray();

    public static async Task<FakeKubernetesServer> StartAsync()
    {
        var server = new FakeKubernetesServer();
        var (app, address) = await LoopbackApp.StartAsync(web =>
        {
            web.Map("/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings/{name?}", (HttpContext c, string ns, string? name) => server.HandleAsync(c, "rolebindings", ns, name));
            web.Map("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/{name?}", (HttpContext c, string? name) => server.HandleAsync(c, "clusterrolebindings", null, name));
        });
        server._app = app;
        Directory.CreateDirectory(server._folder);
        server.KubeconfigPath = Path.Combine(server._folder, "kubeconfig");
        await File.WriteAllTextAsync(server.KubeconfigPath, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {address}
            users:
            - name: bot
              user:
                token: {Token}
            contexts:
            - name: fake
              context:
                cluster: fake
                user: bot
            current-context: fake
            """);
        return server;
    }

    /// <summary>The binding stored under this namespace (null: cluster-wide) and name, or null.</summary>
    public JsonObject? Binding(string? ns, string name) => _objects.GetValueOrDefault(Key(ns is null ? "clusterrolebindings" : "rolebindings", ns, name));

    public IReadOnlyList<JsonObject> Bindings => _objects.Values.ToArray();

    /// <summary>Puts a binding there behind the bot's back (someone ran kubectl).</summary>
    public void Put(string? ns, string name, string clusterRole, string user, long? requestId)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (ns is not null)
        {
            metadata["namespace"] = ns;
        }

        if (requestId is { } id)
        {
            metadata["labels"] = new JsonObject { ["chatops-approver/request-id"] = id.ToString(CultureInfo.InvariantCulture) };
        }

        Store(ns is null ? "clusterrolebindings" : "rolebindings", ns, new JsonObject
        {
            ["metadata"] = metadata,
            ["roleRef"] = new JsonObject { ["apiGroup"] = Group, ["kind"] = "ClusterRole", ["name"] = clusterRole },
            ["subjects"] = new JsonArray(new JsonObject { ["kind"] = "User", ["apiGroup"] = Group, ["name"] = user }),
        });
    }

    public void Remove(string? ns, string name) => _objects.TryRemove(Key(ns is null ? "clusterrolebindings" : "rolebindings", ns, name), out _);

    /// <summary>Runs <paramref name="meanwhile"/> when the next delete arrives, before the API server looks at it (someone was quicker).</summary>
    public void BeforeNextDelete(Action meanwhile) => _beforeNextDelete = meanwhile;

    /// <summary>The next create is stored but answered 500, as when the reply is lost after the API server acted.</summary>
    public void LoseNextCreateReply() => Interlocked.Increment(ref _loseCreateReplies);

    private async Task<IResult> HandleAsync(HttpContext context, string resource, string? ns, string? name)
    {
        _calls.Enqueue($"{context.Request.Method} {resource} {ns ?? "-"} {name ?? "-"}{context.Request.QueryString}");
        if (context.Request.Headers.Authorization.ToString() != $"Bearer {Token}")
        {
            return Status(401, "Unauthorized", "Unauthorized", resource, name);
        }

        switch (context.Request.Method, name)
        {
            case ("POST", null):
                var body = JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync())!.AsObject();
                var newName = body["metadata"]?["name"]?.GetValue<string>() ?? string.Empty;
                if (_objects.ContainsKey(Key(resource, ns, newName)))
                {
                    return Status(409, "AlreadyExists", $"{resource}.{Group} \"{newName}\" already exists", resource, newName);
                }

                var stored = Store(resource, ns, body);
                return TakeLostReply()
                    ? Status(500, "InternalError", "the connection to etcd was lost", resource, newName)
                    : Results.Json(stored, statusCode: 201);
            case ("GET", null):
                var selector = context.Request.Query["labelSelector"].ToString();
                var items = new JsonArray(_objects.Where(o => o.Key.StartsWith($"{resource}/{ns ?? string.Empty}/", StringComparison.Ordinal) && Matches(o.Value, selector)).Select(o => (JsonNode)o.Value.DeepClone()).ToArray());
                return Results.Json(new JsonObject
                {
                    ["kind"] = resource == "rolebindings" ? "RoleBindingList" : "ClusterRoleBindingList",
                    ["apiVersion"] = $"{Group}/v1",
                    ["metadata"] = new JsonObject { ["resourceVersion"] = Interlocked.Increment(ref _version).ToString(CultureInfo.InvariantCulture) },
                    ["items"] = items,
                });
            case ("GET", { } existing):
                return _objects.TryGetValue(Key(resource, ns, existing), out var found)
                    ? Results.Json(found)
                    : Status(404, "NotFound", $"{resource}.{Group} \"{existing}\" not found", resource, existing);
            case ("DELETE", { } gone):
                Interlocked.Exchange(ref _beforeNextDelete, null)?.Invoke();
                var options = await new StreamReader(context.Request.Body).ReadToEndAsync() is { Length: > 0 } text ? JsonNode.Parse(text) : null;
                if (!_objects.TryGetValue(Key(resource, ns, gone), out var doomed))
                {
                    return Status(404, "NotFound", $"{resource}.{Group} \"{gone}\" not found", resource, gone);
                }

                // DeleteOptions.preconditions.uid: the object must still be the one the client read.
                if (options?["preconditions"]?["uid"]?.GetValue<string>() is { } uid && uid != doomed["metadata"]!["uid"]!.GetValue<string>())
                {
                    return Status(409, "Conflict", $"Operation cannot be fulfilled on {resource}.{Group} \"{gone}\": Precondition failed: UID in precondition: {uid}, UID in object meta: {doomed["metadata"]!["uid"]}", resource, gone);
                }

                _objects.TryRemove(Key(resource, ns, gone), out _);
                return Results.Json(new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success", ["details"] = new JsonObject { ["name"] = gone, ["group"] = Group, ["kind"] = resource } });
            default:
                return Status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", resource, name);
        }
    }

    private bool TakeLostReply()
    {
        int left;
        do
        {
            left = _loseCreateReplies;
            if (left <= 0)
            {
                return false;
            }
        }
        while (Interlocked.CompareExchange(ref _loseCreateReplies, left - 1, left) != left);
        return true;
    }

    private JsonObject Store(string resource, string? ns, JsonObject body)
    {
        var metadata = body["metadata"]!.AsObject();
        if (ns is not null)
        {
            metadata["namespace"] = ns;
        }

        metadata["uid"] = Guid.NewGuid().ToString();
        metadata["resourceVersion"] = Interlocked.Increment(ref _version).ToString(CultureInfo.InvariantCulture);
        metadata["creationTimestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        body["kind"] = resource == "rolebindings" ? "RoleBinding" : "ClusterRoleBinding";
        body["apiVersion"] = $"{Group}/v1";
        _objects[Key(resource, ns, metadata["name"]!.GetValue<string>())] = body;
        return body;
    }

    /// <summary>Label selectors as the target writes them: "key" (exists) or "key=value", comma-separated.</summary>
    private static bool Matches(JsonObject item, string selector) =>
        selector.Length == 0 || selector.Split(',').All(term =>
        {
            var labels = item["metadata"]?["labels"] as JsonObject;
            var parts = term.Split('=', 2);
            return labels?[parts[0]] is { } value && (parts.Length == 1 || value.GetValue<string>() == parts[1]);
        });

    private static IResult Status(int code, string reason, string message, string resource, string? name) => Results.Json(new JsonObject
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["details"] = new JsonObject { ["name"] = name, ["group"] = Group, ["kind"] = resource },
        ["code"] = code,
    }, statusCode: code);

    private static string Key(string resource, string? ns, string name) => $"{resource}/{ns ?? string.Empty}/{name}";

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
