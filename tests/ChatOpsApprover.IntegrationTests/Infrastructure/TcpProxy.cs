using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;

namespace ChatOpsApprover.IntegrationTests.Infrastructure;

/// <summary>
/// A loopback TCP forwarder that can be switched off and on, to take a target "down" for real: connections are
/// refused and open ones are cut, exactly what a crashed or unreachable server looks like to a client. It can also
/// stall (accept connections and never answer, as a dead host behind a load balancer does), and lose the reply to one
/// statement the client sends (the server runs it; the client never hears back), or hold one statement until something
/// else has happened at the server.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly int _upstreamPort;
    private readonly List<TcpClient> _open = [];
    private readonly object _gate = new();
    private TcpListener? _listener;
    private CancellationTokenSource _cts = new();
    private volatile bool _stalled;
    private string? _loseReplyTo;
    private HeldStatement? _hold;

    public TcpProxy(int upstreamPort)
    {
        _upstreamPort = upstreamPort;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Up();
    }

    public int Port { get; }

    public void Up()
    {
        lock (_gate)
        {
            if (_listener is not null)
            {
                return;
            }

            _cts = new CancellationTokenSource();
            _listener = new TcpListener(IPAddress.Loopback, Port);
            _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _listener.Start();
            _ = AcceptLoopAsync(_listener, _cts.Token);
        }
    }

    /// <summary>From now on, connections are accepted and then nothing: no byte is forwarded either way.</summary>
    public void Stall() => _stalled = true;

    /// <summary>
    /// The first statement whose text contains <paramref name="marker"/> reaches the server, which runs it; its reply is
    /// thrown away, and the proxy goes down (cutting the client's connection), as when a network fails at that moment.
    /// </summary>
    public void LoseReplyTo(string marker) => _loseReplyTo = marker;

    /// <summary>
    /// The first statement whose text contains <paramref name="marker"/> is held until <paramref name="meanwhile"/> has
    /// run, then forwarded: something happens at the server between the client's previous statement and this one.
    /// </summary>
    public void HoldUntil(string marker, Func<Task> meanwhile) => _hold = new HeldStatement(marker, meanwhile);

    public void Down()
    {
        lock (_gate)
        {
            _cts.Cancel();
            _listener?.Stop();
            _listener = null;
            foreach (var client in _open)
            {
                try
                {
                    // Reset rather than close politely: the client sees the connection die, as with a crashed server.
                    client.Client?.Close(0);
                }
                catch (ObjectDisposedException)
                {
                }

                client.Dispose();
            }

            _open.Clear();
        }
    }

    private async Task AcceptLoopAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (_stalled)
            {
                lock (_gate)
                {
                    _open.Add(inbound);
                }

                continue;
            }

            var outbound = new TcpClient();
            try
            {
                await outbound.ConnectAsync(IPAddress.Loopback, _upstreamPort, cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                inbound.Dispose();
                outbound.Dispose();
                continue;
            }

            lock (_gate)
            {
                _open.Add(inbound);
                _open.Add(outbound);
            }

            var loseReply = new StrongBox<bool>();
            _ = PumpAsync(inbound, outbound, chunk => WatchAsync(chunk, loseReply), cancellationToken);
            _ = PumpAsync(outbound, inbound, _ => ValueTask.FromResult(!loseReply.Value || LoseReply()), cancellationToken);
        }
    }

    /// <summary>
    /// Notes whether this chunk from the client carries the statement whose reply is to be lost, and holds the one to be
    /// held until what was to happen meanwhile has. Always forwards it.
    /// </summary>
    private async ValueTask<bool> WatchAsync(ReadOnlyMemory<byte> chunk, StrongBox<bool> loseReply)
    {
        var text = Encoding.UTF8.GetString(chunk.Span);
        if (_loseReplyTo is { } marker && text.Contains(marker, StringComparison.Ordinal)
            && Interlocked.CompareExchange(ref _loseReplyTo, null, marker) == marker)
        {
            loseReply.Value = true;
        }

        if (_hold is { } hold && text.Contains(hold.Marker, StringComparison.Ordinal)
            && Interlocked.CompareExchange(ref _hold, null, hold) == hold)
        {
            await hold.Meanwhile();
        }

        return true;
    }

    /// <summary>The server answered the statement, so it has run: the answer is not forwarded, and everything goes down.</summary>
    private bool LoseReply()
    {
        Down();
        return false;
    }

    /// <summary>Copies <paramref name="from"/> to <paramref name="to"/> while <paramref name="forward"/> agrees to each chunk.</summary>
    private static async Task PumpAsync(TcpClient from, TcpClient to, Func<ReadOnlyMemory<byte>, ValueTask<bool>> forward, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        try
        {
            var source = from.GetStream();
            var destination = to.GetStream();
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (!await forward(buffer.AsMemory(0, read)))
                {
                    return;
                }

                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException or InvalidOperationException)
        {
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Down();
        return ValueTask.CompletedTask;
    }

    private sealed record HeldStatement(string Marker, Func<Task> Meanwhile);
}
