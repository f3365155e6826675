using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace ChatOpsApprover.IntegrationTests.Infrastructure;

/// <summary>
/// Slack's side of Socket Mode for tests: apps.connections.open (app-level token only) hands out a WebSocket address
/// on the fake server, each connection is greeted with hello, and the test sends envelopes in Slack's format and
/// reads the acknowledgements, asks for a reconnect (disconnect) or drops a connection.
/// </summary>
public sealed class FakeSlackSocketMode
{
    public const string AppToken = "xapp-1-A0APP-1-test";

    private readonly ConcurrentQueue<Connection> _connections = new();
    private long _envelopes;

    /// <summary>How many times apps.connections.open handed out an address.</summary>
    public int AddressesHandedOut => _addresses;

    private int _addresses;

    /// <summary>Connections the bot opened, in order (closed ones included).</summary>
    public IReadOnlyList<Connection> Connections => _connections.ToArray();

    /// <summary>apps.connections.open: a new address per call, for the app-level token only.</summary>
    public JsonObject OpenConnection(string? authorization, Uri apiBaseUrl)
    {
        if (authorization != "Bearer " + AppToken)
        {
            return new JsonObject { ["ok"] = false, ["error"] = authorization?.StartsWith("Bearer xoxb-", StringComparison.Ordinal) == true ? "not_allowed_token_type" : "invalid_auth" };
        }

        var number = Interlocked.Increment(ref _addresses);
        var url = new UriBuilder(apiBaseUrl) { Scheme = "ws", Path = $"/socket/{number}" }.Uri;
        return new JsonObject { ["ok"] = true, ["url"] = url.ToString() };
    }

    /// <summary>The WebSocket end: says hello, then records every acknowledgement until the bot or the test closes it.</summary>
    public async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new Connection(socket);
        _connections.Enqueue(connection);
        await connection.SendAsync(new JsonObject
        {
            ["type"] = "hello",
            ["num_connections"] = _connections.Count(c => c.IsOpen),
            ["connection_info"] = new JsonObject { ["app_id"] = "A0APP" },
            ["debug_info"] = new JsonObject { ["host"] = "fake-socket-mode", ["approximate_connection_time"] = 18060 },
        });
        await connection.ReadAcknowledgementsAsync();
    }

    /// <summary>Waits until <paramref name="count"/> connections are open and returns the newest.</summary>
    public Task<Connection> WaitForOpenAsync(int count = 1) =>
        Wait.UntilAsync(() => Task.FromResult(_connections.Count(c => c.IsOpen) >= count ? _connections.Last(c => c.IsOpen) : null), $"{count} open Socket Mode connection(s)");

    public string NextEnvelopeId() => $"env-{Interlocked.Increment(ref _envelopes)}-{Guid.NewGuid():N}";

    /// <summary>A slash command envelope, its payload the fields Slack would have posted.</summary>
    public static JsonObject CommandEnvelope(string envelopeId, string userId, string text) => new()
    {
        ["envelope_id"] = envelopeId,
        ["type"] = "slash_commands",
        ["accepts_response_payload"] = true,
        ["payload"] = new JsonObject
        {
            ["token"] = "legacy",
            ["team_id"] = "T0TEAM",
            ["team_domain"] = "example",
            ["channel_id"] = "C0REQUESTS",
            ["channel_name"] = "requests",
            ["user_id"] = userId,
            ["user_name"] = userId.ToLowerInvariant(),
            ["command"] = "/jit",
            ["text"] = text,
            ["api_app_id"] = "A0APP",
            ["is_enterprise_install"] = "false",
            ["response_url"] = "https://hooks.slack.com/commands/T0TEAM/1/x",
            ["trigger_id"] = $"{envelopeId}.trigger",
        },
    };

    /// <summary>An interactive envelope carrying <paramref name="payload"/> (what /slack/interactions gets as its payload field).</summary>
    public static JsonObject InteractiveEnvelope(string envelopeId, JsonObject payload) => new()
    {
        ["envelope_id"] = envelopeId,
        ["type"] = "interactive",
        ["accepts_response_payload"] = payload["type"]?.GetValue<string>() == "view_submission",
        ["payload"] = payload,
    };

    /// <summary>One WebSocket the bot opened.</summary>
    public sealed class Connection(WebSocket socket)
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonObject>> _acks = new(StringComparer.Ordinal);
        private readonly SemaphoreSlim _sending = new(1, 1);
        private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool IsOpen => !_closed.Task.IsCompleted;

        /// <summary>Completes when the connection is over (closed by either side, or dropped).</summary>
        public Task Closed => _closed.Task;

        /// <summary>Sends an envelope and returns its acknowledgement.</summary>
        public async Task<JsonObject> SendEnvelopeAsync(JsonObject envelope)
        {
            var ack = _acks.GetOrAdd(envelope["envelope_id"]!.GetValue<string>(), _ => new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously));
            await SendAsync(envelope);
            return await ack.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        /// <summary>Slack's "please reconnect" (it sends this a few seconds before it closes the connection).</summary>
        public Task AskToReconnectAsync(string reason = "refresh_requested") =>
            SendAsync(new JsonObject { ["type"] = "disconnect", ["reason"] = reason, ["debug_info"] = new JsonObject { ["host"] = "fake-socket-mode" } });

        /// <summary>Drops the connection without a closing handshake, as a network failure would.</summary>
        public void Drop()
        {
            socket.Abort();
            _closed.TrySetResult();
        }

        internal async Task SendAsync(JsonObject message)
        {
            await _sending.WaitAsync();
            try
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            }
            finally
            {
                _sending.Release();
            }
        }

        internal async Task ReadAcknowledgementsAsync()
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (socket.State == WebSocketState.Open)
                {
                    using var message = new MemoryStream();
                    WebSocketReceiveResult frame;
                    do
                    {
                        frame = await socket.ReceiveAsync(buffer, CancellationToken.None);
                        message.Write(buffer, 0, frame.Count);
                    }
                    while (!frame.EndOfMessage && frame.MessageType != WebSocketMessageType.Close);

                    if (frame.MessageType == WebSocketMessageType.Close)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                        break;
                    }

                    var ack = JsonNode.Parse(message.ToArray())!.AsObject();
                    _acks.GetOrAdd(ack["envelope_id"]!.GetValue<string>(), _ => new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(ack);
                }
            }
            catch (WebSocketException)
            {
                // Dropped.
            }
            finally
            {
                _closed.TrySetResult();
            }
        }
    }
}
