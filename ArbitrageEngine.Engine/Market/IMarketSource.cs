using System.Threading.Channels;

namespace ArbitrageEngine.Engine.Market;

/// <summary>
/// A source of market data (simulated, Binance live, replay). It writes trades (in agg_id order per symbol),
/// feature updates (engine.md §2.5 keys), liquidations and funding snapshots to the given channel until
/// cancelled. The engine never knows which source is behind it.
/// </summary>
public interface IMarketSource
{
    /// <summary>Short name for status pages and logs ("simulated", "binance", "replay").</summary>
    string Name { get; }

    IReadOnlyList<string> Symbols { get; }

    /// <summary>Connection state and counters, per stream.</summary>
    SourceStatus Status { get; }

    /// <summary>
    /// Every event with time ≤ this has been written to the output channel (ms). The live tick at T runs only once the
    /// watermark has reached T. <see cref="long.MaxValue"/> = unknown (the tick relies on its grace period).
    /// </summary>
    long Watermark => long.MaxValue;

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled (or the source is exhausted, for replays).</summary>
    Task RunAsync(ChannelWriter<MarketEvent> output, CancellationToken cancellationToken);
}

/// <summary>Connection state of one stream of a source.</summary>
public enum StreamState
{
    Idle,
    Connecting,
    Connected,
    Reconnecting,
    Stopped,
    Failed,
}

/// <summary>Live counters of one stream (thread-safe: written by the source, read by health checks and UI).</summary>
public sealed class StreamStatus(string name)
{
    private long _frames;
    private long _malformed;
    private long _reconnects;
    private long _gapTradesFilled;
    private long _permanentGaps;
    private long _lastFrameMs = -1;
    private int _state;

    public string Name { get; } = name;

    public StreamState State
    {
        get => (StreamState)Volatile.Read(ref _state);
        set => Volatile.Write(ref _state, (int)value);
    }

    public long Frames => Interlocked.Read(ref _frames);
    public long Malformed => Interlocked.Read(ref _malformed);
    public long Reconnects => Interlocked.Read(ref _reconnects);
    public long GapTradesFilled => Interlocked.Read(ref _gapTradesFilled);
    public long PermanentGaps => Interlocked.Read(ref _permanentGaps);

    /// <summary>Wall-clock ms of the last frame received (-1 = never).</summary>
    public long LastFrameMs => Interlocked.Read(ref _lastFrameMs);

    public string? LastError { get; set; }

    public void OnFrame(long wallClockMs)
    {
        Interlocked.Increment(ref _frames);
        Interlocked.Exchange(ref _lastFrameMs, wallClockMs);
    }

    public void OnMalformed() => Interlocked.Increment(ref _malformed);
    public void OnReconnect() => Interlocked.Increment(ref _reconnects);
    public void OnGapFilled(long trades) => Interlocked.Add(ref _gapTradesFilled, trades);
    public void OnPermanentGap() => Interlocked.Increment(ref _permanentGaps);
}

/// <summary>Status of a whole source: one entry per stream (e.g. "market", "public", "spot", "rest").</summary>
public sealed class SourceStatus
{
    private readonly List<StreamStatus> _streams = [];

    public IReadOnlyList<StreamStatus> Streams
    {
        get
        {
            lock (_streams)
            {
                return [.. _streams];
            }
        }
    }

    public StreamStatus Stream(string name)
    {
        lock (_streams)
        {
            var existing = _streams.Find(s => s.Name == name);
            if (existing is null)
            {
                existing = new StreamStatus(name);
                _streams.Add(existing);
            }

            return existing;
        }
    }
}
