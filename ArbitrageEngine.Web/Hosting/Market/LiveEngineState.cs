using System.Collections.Concurrent;
using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Engine.State;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Web.Hosting.Market;

/// <summary>Where the live pipeline is.</summary>
public enum PipelinePhase
{
    Starting,
    WarmingUp,
    Live,
    Faulted,
    Stopped,
}

/// <summary>
/// Thread-safe read model of the running engine for pages, the API and health checks: latest snapshot per
/// symbol, latest result per strategy, open positions and pipeline counters. Written only by the
/// engine loop (as its event sink); read by anyone.
/// </summary>
public sealed class LiveEngineState : IEngineEventSink
{
    private readonly ConcurrentDictionary<string, MarketSnapshot> _snapshots = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, ScoreResult> _results = new();
    private readonly ConcurrentDictionary<long, PaperPosition> _open = new();
    private readonly ConcurrentDictionary<string, double> _lastPrices = new(StringComparer.Ordinal);
    private long _trades;
    private long _ticks;
    private long _lastTickMs = -1;
    private long _lastTickWallMs = -1;
    private double _lastTickDurationMs;
    private long _lastTradeWallMs = -1;

    public PipelinePhase Phase { get; set; } = PipelinePhase.Starting;

    public string? LastError { get; set; }

    /// <summary>Wall time the pipeline last went live (null before): "no evaluation for 5 min" counts from here at the earliest.</summary>
    public long? LiveSinceMs { get; set; }

    public long TradesProcessed => Interlocked.Read(ref _trades);

    public long Ticks => Interlocked.Read(ref _ticks);

    /// <summary>Market time of the last evaluation tick (-1 before the first).</summary>
    public long LastTickMs => Interlocked.Read(ref _lastTickMs);

    /// <summary>Wall-clock time the last tick finished (-1 before the first).</summary>
    public long LastTickWallMs => Interlocked.Read(ref _lastTickWallMs);

    public double LastTickDurationMs => Volatile.Read(ref _lastTickDurationMs);

    public long LastTradeWallMs => Interlocked.Read(ref _lastTradeWallMs);

    public int RunningStrategies { get; set; }

    public IReadOnlyDictionary<string, MarketSnapshot> Snapshots => _snapshots;

    public IReadOnlyDictionary<Guid, ScoreResult> LatestResults => _results;

    public IReadOnlyCollection<PaperPosition> OpenPositions => [.. _open.Values.OrderBy(p => p.PositionId)];

    public IReadOnlyDictionary<string, double> LastPrices => _lastPrices;

    internal void OnTradeApplied(string symbol, double price, long wallMs)
    {
        Interlocked.Increment(ref _trades);
        _lastPrices[symbol] = price;
        Interlocked.Exchange(ref _lastTradeWallMs, wallMs);
    }

    internal void OnTickDone(long tickMs, long wallMs, double durationMs)
    {
        Interlocked.Increment(ref _ticks);
        Interlocked.Exchange(ref _lastTickMs, tickMs);
        Interlocked.Exchange(ref _lastTickWallMs, wallMs);
        Volatile.Write(ref _lastTickDurationMs, durationMs);
    }

    public void OnSnapshot(MarketSnapshot snapshot) => _snapshots[snapshot.Symbol] = snapshot;

    public void OnResult(ScoreResult result, StrategyDefinition strategy) => _results[result.StrategyId] = result;

    public void OnPositionOpened(PaperPosition position) => _open[position.PositionId] = position;

    public void OnPositionClosed(PaperPosition position, double balanceAfter) => _open.TryRemove(position.PositionId, out _);
}
