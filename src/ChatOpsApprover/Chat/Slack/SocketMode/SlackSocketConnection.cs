using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using ChatOpsApprover.Storage;

namespace ChatOpsApprover.Chat.Slack.SocketMode;

/// <summary>
/// One Socket Mode WebSocket: reads Slack's messages, runs each envelope beside the others and sends its
/// acknowledgement, and says when it ends — Slack asked for a new connection (disconnect) or the connection dropped.
/// </summary>
public sealed class SlackSocketConnection : IAsyncDisposable
{
    /// <summary>Slack says hello at once; a connection that stays silent this long is given up and opened again.</summary>
    private static readonly TimeSpan HelloDeadline = TimeSpan.FromSeconds(10);

    /// <summary>How long a connection being replaced may take to acknowledge what it is still working on.</summary>
    private static readonly TimeSpan DrainDeadline = TimeSpan.FromSeconds(5);

    private readonly ClientWebSocket _socket;
    private readonly SlackSocketDispatcher _dispatcher;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly ConcurrentDictionary<Task, bool> _working = new();
    private readonly TaskCompletionSource _hello = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<bool> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private Task _reading = Task.CompletedTask;

    private SlackSocketConnection(ClientWebSocket socket, SlackSocketDispatcher dispatcher, ILogger logger)
    {
        _socket = socket;
        _dispatcher = dispatcher;
        _logger = logger;
    }

    /// <summary>Completes when the connection ends: true when Slack asked for a new one, false when it dropped.</summary>
    public Task<bool> Ended => _ended.Task;

    /// <summary>Connects to <paramref name="url"/> and returns once Slack said hello.</summary>
    public static async Task<SlackSocketConnection> OpenAsync(Uri url, SlackSocketDispatcher dispatcher, ILogger logger, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(10);
        var connection = new SlackSocketConnection(socket, dispatcher, logger);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(HelloDeadline);
            await socket.ConnectAsync(url, deadline.Token);
            connection._reading = connection.ReadAsync();
            await connection._hello.Task.WaitAsync(deadline.Token);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task ReadAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(8192);
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                buffer.Clear();
                ValueWebSocketReceiveResult frame;
                do
                {
                    frame = await _socket.ReceiveAsync(buffer.GetMemory(8192), _stop.Token);
                    buffer.Advance(frame.Count);
                }
                while (!frame.EndOfMessage && frame.MessageType != WebSocketMessageType.Close);

                if (frame.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                Receive(Encoding.UTF8.GetString(buffer.WrittenSpan));
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            if (!_stop.IsCancellationRequested)
            {
                _logger.LogWarning("The Slack Socket Mode connection dropped: {Why}", e.Message);
            }
        }
        finally
        {
            _hello.TrySetException(new WebSocketException("The Slack Socket Mode connection closed before Slack said hello."));
            _ended.TrySetResult(false);
        }
    }

    private void Receive(string message)
    {
        var envelope = SlackSocketEnvelope.TryRead(message, out var error);
        switch (envelope)
        {
            case null:
                _logger.LogWarning("Ignored {What} from Slack's Socket Mode connection", error);
                break;
            case { Type: SlackSocketEnvelope.Hello }:
                _hello.TrySetResult();
                break;
            case { Type: SlackSocketEnvelope.Disconnect }:
                _logger.LogInformation("Slack asked for a new Socket Mode connection ({Reason})", envelope.Reason ?? "no reason given");
                _ended.TrySetResult(true);
                break;
            case { EnvelopeId: null }:
                _logger.LogWarning("Ignored a Slack Socket Mode message of type {Type} without an envelope_id", envelope.Type);
                break;
            default:
                var work = AnswerAsync(envelope);
                _working[work] = true;
                _ = work.ContinueWith(done => _working.TryRemove(done, out _), TaskScheduler.Default);
                break;
        }
    }

    /// <summary>Runs the envelope and acknowledges it; when running it fails there is no acknowledgement, as an HTTP request would fail.</summary>
    private async Task AnswerAsync(SlackSocketEnvelope envelope)
    {
        try
        {
            var ack = await _dispatcher.AcknowledgeAsync(envelope, _stop.Token);
            await SendAsync(ack);
        }
        catch (Exception e) when (DatabaseOutageAnswer.IsOutage(e) && !_stop.IsCancellationRequested)
        {
            // The outage is the news, not a stack trace: Slack delivers an unacknowledged event again, and shows a click's sender that it failed.
            _logger.LogWarning("Slack Socket Mode envelope {EnvelopeId} ({Type}) was not acknowledged: the database could not be reached ({Error})", envelope.EnvelopeId, envelope.Type, e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException || !_stop.IsCancellationRequested)
        {
            _logger.LogError(e, "Slack Socket Mode envelope {EnvelopeId} ({Type}) was not acknowledged", envelope.EnvelopeId, envelope.Type);
        }
    }

    private async Task SendAsync(JsonObject message)
    {
        var bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
        await _sending.WaitAsync(_stop.Token);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, _stop.Token);
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>Lets what is under way be acknowledged (for a while), then closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Task.WhenAll(_working.Keys).WaitAsync(DrainDeadline);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            _logger.LogWarning("A replaced Slack Socket Mode connection closed with {Count} envelopes not yet acknowledged (Slack sends them again)", _working.Count);
        }
        catch (Exception)
        {
            // Each envelope's failure was logged where it happened.
        }

        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "replaced", deadline.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // It is going away either way.
            }
        }

        await _stop.CancelAsync();
        await _reading;
        _socket.Dispose();
        _stop.Dispose();
        _sending.Dispose();
    }
}
