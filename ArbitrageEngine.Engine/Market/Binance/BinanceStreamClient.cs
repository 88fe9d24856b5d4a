using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ArbitrageEngine.Engine.Market.Binance;

/// <summary>
/// <see cref="IBinanceStreamClient"/> on the BCL <see cref="ClientWebSocket"/>. Server pings are answered by the
/// socket itself: the managed WebSocket replies to every Ping frame with a Pong carrying the same payload while a
/// receive is pending (RFC 6455 §5.5.2/5.5.3), and this client always has a receive pending. Client keep-alive frames
/// are disabled (KeepAliveInterval = 0) so every pong Binance sees answers one of its pings.
/// A watchdog aborts the socket after <see cref="BinanceOptions.SilenceTimeout"/> without a data frame and after
/// <see cref="BinanceOptions.ProactiveReconnectAfter"/>; reconnects use <see cref="ReconnectBackoff"/>.
/// </summary>
public sealed class BinanceStreamClient(BinanceOptions options, TimeProvider? time = null, Random? jitter = null, ILogger? logger = null) : IBinanceStreamClient
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ILogger _log = logger ?? NullLogger.Instance;
    private readonly ReconnectBackoff _backoff = new(options, jitter ?? Random.Shared);

    public async Task RunAsync(BinanceStreamEndpoint endpoint, IBinanceStreamHandler handler, StreamStatus status, CancellationToken cancellationToken)
    {
        var uri = endpoint.BuildUri();
        var buffer = new byte[Math.Max(1024, options.ReceiveBufferSize)];
        var attempt = 0;
        var everConnected = false;
        var malformedLog = new MalformedLogLimiter(options.MalformedLogInterval, _time);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                status.State = everConnected ? StreamState.Reconnecting : StreamState.Connecting;
                var outcome = await RunConnectionAsync(endpoint, uri, handler, status, everConnected, malformedLog, buffer, cancellationToken);
                buffer = outcome.Buffer;
                everConnected |= outcome.Connected;
                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                status.LastError = outcome.Reason;
                if (outcome.Proactive)
                {
                    attempt = 0;
                    continue;
                }

                if (outcome.ReceivedFrames)
                {
                    attempt = 0;
                }

                var delay = _backoff.Delay(attempt++);
                status.State = StreamState.Reconnecting;
                _log.Reconnecting(endpoint.Name, outcome.Reason, (long)delay.TotalMilliseconds);
                await Task.Delay(delay, _time, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            status.State = StreamState.Stopped;
        }
    }

    private async Task<ConnectionOutcome> RunConnectionAsync(
        BinanceStreamEndpoint endpoint,
        Uri uri,
        IBinanceStreamHandler handler,
        StreamStatus status,
        bool isReconnect,
        MalformedLogLimiter malformedLog,
        byte[] buffer,
        CancellationToken cancellationToken)
    {
        using var ws = new ClientWebSocket();
        ws.Options.KeepAliveInterval = TimeSpan.Zero;
        using (var connectCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            connectCts.CancelAfter(options.ConnectTimeout);
            try
            {
                await ws.ConnectAsync(uri, connectCts.Token);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                return new ConnectionOutcome(false, false, false, "connect failed: " + e.Message, buffer);
            }
        }

        if (isReconnect)
        {
            status.OnReconnect();
        }

        status.State = StreamState.Connected;
        _log.Connected(endpoint.Name, uri, isReconnect);
        await handler.OnConnectedAsync(endpoint, isReconnect, cancellationToken);

        var connectedAt = _time.GetTimestamp();
        long lastFrame = connectedAt;
        var silent = false;
        var proactive = false;
        var received = false;
        var period = TimeSpan.FromTicks(Math.Clamp(Math.Min(options.SilenceTimeout.Ticks, options.ProactiveReconnectAfter.Ticks) / 4, TimeSpan.TicksPerMillisecond * 20, TimeSpan.TicksPerSecond));
        using var watchdog = _time.CreateTimer(
            _ =>
            {
                var now = _time.GetTimestamp();
                if (_time.GetElapsedTime(Interlocked.Read(ref lastFrame), now) > options.SilenceTimeout)
                {
                    silent = true;
                    ws.Abort();
                }
                else if (_time.GetElapsedTime(connectedAt, now) > options.ProactiveReconnectAfter)
                {
                    proactive = true;
                    ws.Abort();
                }
            },
            null,
            period,
            period);

        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (count == buffer.Length)
                    {
                        Array.Resize(ref buffer, buffer.Length * 2);
                    }

                    result = await ws.ReceiveAsync(buffer.AsMemory(count), cancellationToken);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return new ConnectionOutcome(true, received, false, $"closed by server ({ws.CloseStatus} {ws.CloseStatusDescription})", buffer);
                    }

                    count += result.Count;
                }
                while (!result.EndOfMessage);

                Interlocked.Exchange(ref lastFrame, _time.GetTimestamp());
                received = true;
                status.OnFrame(_time.GetUtcNow().ToUnixTimeMilliseconds());
                if (result.MessageType != WebSocketMessageType.Text)
                {
                    continue;
                }

                if (!await handler.OnFrameAsync(endpoint, buffer.AsMemory(0, count), cancellationToken))
                {
                    status.OnMalformed();
                    if (malformedLog.ShouldLog() && _log.IsEnabled(LogLevel.Warning))
                    {
                        var sample = System.Text.Encoding.UTF8.GetString(buffer, 0, Math.Min(count, 200));
                        _log.Malformed(endpoint.Name, status.Malformed, sample);
                    }
                }
            }

            return new ConnectionOutcome(true, received, false, "cancelled", buffer);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            if (silent)
            {
                _log.Silent(endpoint.Name, (long)options.SilenceTimeout.TotalMilliseconds);
                return new ConnectionOutcome(true, received, false, "silent", buffer);
            }

            if (proactive)
            {
                var ageMinutes = (long)_time.GetElapsedTime(connectedAt).TotalMinutes;
                _log.Proactive(endpoint.Name, ageMinutes);
                return new ConnectionOutcome(true, received, true, "proactive reconnect", buffer);
            }

            return new ConnectionOutcome(true, received, false, "dropped: " + e.Message, buffer);
        }
        finally
        {
            if (ws.State == WebSocketState.Open && cancellationToken.IsCancellationRequested)
            {
                try
                {
                    using var closeCts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                    await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", closeCts.Token);
                }
                catch (Exception)
                {
                    // best effort
                }
            }
        }
    }

    private readonly record struct ConnectionOutcome(bool Connected, bool ReceivedFrames, bool Proactive, string Reason, byte[] Buffer);
}

/// <summary>At most one log line per interval; everything is still counted by the caller.</summary>
internal sealed class MalformedLogLimiter(TimeSpan interval, TimeProvider time)
{
    private long _last = long.MinValue;

    public bool ShouldLog()
    {
        var now = time.GetTimestamp();
        if (_last != long.MinValue && time.GetElapsedTime(_last, now) < interval)
        {
            return false;
        }

        _last = now;
        return true;
    }
}
