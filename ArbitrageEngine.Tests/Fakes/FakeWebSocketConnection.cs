using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ArbitrageEngine.Tests.Fakes;

/// <summary>
/// A hand-rolled server side of RFC 6455 over Kestrel's upgraded stream, so the fake controls every frame: it can send
/// pings with a chosen payload, record the client's pong payloads, go silent with the socket open, and drop the TCP
/// connection mid-stream (the BCL server WebSocket hides pings/pongs).
/// </summary>
public sealed class FakeWebSocketConnection
{
    private const string Guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private readonly HttpContext _context;
    private readonly Stream _stream;
    private readonly SemaphoreSlim _send = new(1, 1);
    private volatile bool _silent;
    private volatile bool _closed;

    private FakeWebSocketConnection(HttpContext context, Stream stream, string path, IReadOnlySet<string> streams)
    {
        _context = context;
        _stream = stream;
        Path = path;
        Streams = streams;
    }

    public string Path { get; }

    /// <summary>Subscribed stream names, exactly as requested (Binance delivers only lower-case names).</summary>
    public IReadOnlySet<string> Streams { get; }

    /// <summary>Silent: open but sends nothing (pings excepted when asked explicitly).</summary>
    public bool Silent
    {
        get => _silent;
        set => _silent = value;
    }

    public bool Closed => _closed;

    public static async Task<FakeWebSocketConnection?> AcceptAsync(HttpContext context, IReadOnlySet<string> streams)
    {
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        var key = context.Request.Headers["Sec-WebSocket-Key"].ToString();
        if (upgrade is null || !upgrade.IsUpgradableRequest || string.IsNullOrEmpty(key))
        {
            context.Response.StatusCode = 400;
            return null;
        }

#pragma warning disable CA5350 // RFC 6455 §4.2.2 mandates SHA-1 for Sec-WebSocket-Accept; not a security use.
        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + Guid)));
#pragma warning restore CA5350
        context.Response.Headers.Connection = "Upgrade";
        context.Response.Headers.Upgrade = "websocket";
        context.Response.Headers["Sec-WebSocket-Accept"] = accept;
        var stream = await upgrade.UpgradeAsync();
        return new FakeWebSocketConnection(context, stream, context.Request.Path.Value ?? "/", streams);
    }

    public bool IsSubscribed(string stream) => Streams.Contains(stream);

    public Task SendTextAsync(ReadOnlyMemory<byte> payload) => _silent ? Task.CompletedTask : SendFrameAsync(0x1, payload);

    public Task SendPingAsync(ReadOnlyMemory<byte> payload) => SendFrameAsync(0x9, payload);

    /// <summary>Drops the TCP connection without a close frame.</summary>
    public void Abort()
    {
        _closed = true;
        _context.Abort();
    }

    /// <summary>Reads client frames until close: answers pings, records pongs, acknowledges text (SUBSCRIBE) messages.</summary>
    public async Task ReadLoopAsync(Action<byte[]> onPong, CancellationToken cancellationToken)
    {
        var header = new byte[14];
        try
        {
            while (!cancellationToken.IsCancellationRequested && !_closed)
            {
                await _stream.ReadExactlyAsync(header.AsMemory(0, 2), cancellationToken);
                var opcode = header[0] & 0x0F;
                var masked = (header[1] & 0x80) != 0;
                long length = header[1] & 0x7F;
                if (length == 126)
                {
                    await _stream.ReadExactlyAsync(header.AsMemory(0, 2), cancellationToken);
                    length = BinaryPrimitives.ReadUInt16BigEndian(header);
                }
                else if (length == 127)
                {
                    await _stream.ReadExactlyAsync(header.AsMemory(0, 8), cancellationToken);
                    length = (long)BinaryPrimitives.ReadUInt64BigEndian(header);
                }

                var mask = new byte[4];
                if (masked)
                {
                    await _stream.ReadExactlyAsync(mask, cancellationToken);
                }

                var payload = new byte[length];
                await _stream.ReadExactlyAsync(payload, cancellationToken);
                if (masked)
                {
                    for (var i = 0; i < payload.Length; i++)
                    {
                        payload[i] ^= mask[i % 4];
                    }
                }

                switch (opcode)
                {
                    case 0x8:
                        await SendFrameAsync(0x8, payload.AsMemory(0, Math.Min(payload.Length, 2)));
                        _closed = true;
                        return;
                    case 0x9:
                        await SendFrameAsync(0xA, payload);
                        break;
                    case 0xA:
                        onPong(payload);
                        break;
                    case 0x1:
                        await AcknowledgeAsync(payload);
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or EndOfStreamException or InvalidOperationException)
        {
        }
        finally
        {
            _closed = true;
        }
    }

    private Task AcknowledgeAsync(byte[] payload)
    {
        // {"method":"SUBSCRIBE","params":[...],"id":1} -> {"result":null,"id":1}
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(payload);
            var id = doc.RootElement.TryGetProperty("id", out var v) ? v.GetRawText() : "null";
            return SendFrameAsync(0x1, Encoding.UTF8.GetBytes($"{{\"result\":null,\"id\":{id}}}"));
        }
        catch (System.Text.Json.JsonException)
        {
            return Task.CompletedTask;
        }
    }

    private async Task SendFrameAsync(byte opcode, ReadOnlyMemory<byte> payload)
    {
        if (_closed)
        {
            return;
        }

        var header = new byte[10];
        header[0] = (byte)(0x80 | opcode);
        int headerLength;
        if (payload.Length < 126)
        {
            header[1] = (byte)payload.Length;
            headerLength = 2;
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            header[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)payload.Length);
            headerLength = 4;
        }
        else
        {
            header[1] = 127;
            BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(2), (ulong)payload.Length);
            headerLength = 10;
        }

        await _send.WaitAsync();
        try
        {
            await _stream.WriteAsync(header.AsMemory(0, headerLength));
            await _stream.WriteAsync(payload);
            await _stream.FlushAsync();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            _closed = true;
        }
        finally
        {
            _send.Release();
        }
    }
}
