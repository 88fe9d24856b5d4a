namespace ArbitrageEngine.Engine.Market.Binance;

/// <summary>One combined-stream connection: <c>{BaseUrl}?streams=a/b/c</c>. Names are sent as given: the symbol part must be lower case, the topic keeps its case (<c>btcusdt@aggTrade</c>).</summary>
public sealed record BinanceStreamEndpoint(string Name, Uri BaseUrl, IReadOnlyList<string> Streams)
{
    public Uri BuildUri()
    {
        var builder = new UriBuilder(BaseUrl) { Query = "streams=" + string.Join('/', Streams) };
        return builder.Uri;
    }
}

/// <summary>Receives what a stream connection delivers. Called from the connection's receive loop, one call at a time.</summary>
public interface IBinanceStreamHandler
{
    /// <summary>A connection is open (first or reconnect); runs before the first frame is read.</summary>
    ValueTask OnConnectedAsync(BinanceStreamEndpoint endpoint, bool isReconnect, CancellationToken cancellationToken);

    /// <summary>One complete text frame. The memory is only valid during the call. Returns false when the frame is malformed.</summary>
    ValueTask<bool> OnFrameAsync(BinanceStreamEndpoint endpoint, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken);
}

/// <summary>
/// Keeps one combined-stream WebSocket alive until cancelled: reconnects with back-off and jitter, treats a silent
/// connection as dead, reconnects proactively before Binance's 24 h limit. Server pings are answered by the socket.
/// </summary>
public interface IBinanceStreamClient
{
    Task RunAsync(BinanceStreamEndpoint endpoint, IBinanceStreamHandler handler, StreamStatus status, CancellationToken cancellationToken);
}
