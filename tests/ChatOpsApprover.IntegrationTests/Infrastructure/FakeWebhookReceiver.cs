using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ChatOpsApprover.IntegrationTests.Infrastructure;

/// <summary>One call as the receiver saw it, with whether its signature and timestamp were good.</summary>
public sealed record WebhookDelivery(string Action, long RequestId, string IdempotencyKey, JsonObject Body, bool SignatureValid, int Answered);

/// <summary>
/// A receiver of the webhook target's contract, written as a team would write theirs: it verifies the signature and
/// the timestamp window, does each Idempotency-Key's action once (a retry gets the first answer again), keeps who is
/// granted, and answers checks. Tests make it fail: refuse (4xx), break (5xx) before or after acting.
/// </summary>
public sealed class FakeWebhookReceiver : IAsyncDisposable
{
    public const string Secret = "webhook-test-secret-0123456789abcdef0123456789";

    private WebApplication _app = null!;
    private readonly ConcurrentQueue<WebhookDelivery> _deliveries = new();
    private readonly ConcurrentDictionary<string, bool> _done = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _effects = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, bool> _granted = new();
    private readonly ConcurrentQueue<(string Action, int Status, bool ActFirst)> _failures = new();
    private readonly object _gate = new();

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<WebhookDelivery> Deliveries => _deliveries.ToArray();

    /// <summary>How many times an action was really done for a request (not answered from an earlier attempt with the same Idempotency-Key).</summary>
    public int EffectsOf(long requestId, string action) => _effects.GetValueOrDefault($"{requestId}:{action}");

    public bool IsGranted(long requestId) => _granted.GetValueOrDefault(requestId);

    /// <summary>Access changed behind the bot's back (someone used the tool's own console).</summary>
    public void SetGranted(long requestId, bool granted) => _granted[requestId] = granted;

    /// <summary>
    /// The next <paramref name="times"/> calls of <paramref name="action"/> answer <paramref name="status"/>; with
    /// <paramref name="actFirst"/> the action is done first (the reply is what fails, as when a receiver commits and then crashes).
    /// </summary>
    public void FailNext(string action, int status, int times = 1, bool actFirst = false)
    {
        for (var i = 0; i < times; i++)
        {
            _failures.Enqueue((action, status, actFirst));
        }
    }

    public static async Task<FakeWebhookReceiver> StartAsync()
    {
        var receiver = new FakeWebhookReceiver();
        var (app, address) = await LoopbackApp.StartAsync(web => web.MapPost("/chatops", receiver.HandleAsync));
        receiver._app = app;
        receiver.Url = new Uri(address + "/chatops");
        return receiver;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var body = await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync();
        var timestamp = context.Request.Headers["X-ChatOps-Request-Timestamp"].ToString();
        var signature = context.Request.Headers["X-ChatOps-Signature"].ToString();
        var key = context.Request.Headers["Idempotency-Key"].ToString();
        var valid = Verify(timestamp, signature, body);
        var json = JsonNode.Parse(body)!.AsObject();
        var action = json["action"]!.GetValue<string>();
        var requestId = json["requestId"]!.GetValue<long>();
        int status;
        string answer;
        if (!valid)
        {
            (status, answer) = (401, "{}");
        }
        else if (action == "check")
        {
            (status, answer) = (200, $"{{\"granted\":{(IsGranted(requestId) ? "true" : "false")}}}");
        }
        else
        {
            (status, answer) = Act(action, requestId, key);
        }

        _deliveries.Enqueue(new WebhookDelivery(action, requestId, key, json, valid, status));
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer);
    }

    private (int Status, string Answer) Act(string action, long requestId, string key)
    {
        lock (_gate)
        {
            var failure = _failures.TryPeek(out var next) && next.Action == action && _failures.TryDequeue(out next) ? next : default((string Action, int Status, bool ActFirst)?);
            if (failure is { ActFirst: false } refused)
            {
                return (refused.Status, "{\"error\":\"refused\"}");
            }

            // One effect per Idempotency-Key: a retry of an action already done is answered as it was.
            if (_done.TryAdd(key, true))
            {
                _effects.AddOrUpdate($"{requestId}:{action}", 1, (_, n) => n + 1);
                _granted[requestId] = action == "grant";
            }

            return failure is { } broken ? (broken.Status, "{\"error\":\"crashed after acting\"}") : (200, "{}");
        }
    }

    private static bool Verify(string timestamp, string signature, string body)
    {
        // The same checks README's receiver makes: a fresh timestamp, and the signature compared in constant time.
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > 300)
        {
            return false;
        }

        var expected = "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"v0:{timestamp}:{body}")));
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(signature));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
