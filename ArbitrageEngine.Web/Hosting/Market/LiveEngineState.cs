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
/// Thread-safe read model of the running engine for pages, the API and health checks: latest snapshot per symbol,
/// latest result per strategy, open positions (immutable snapshots) and pipeline counters. Fed only by the loop's event
/// stream; read by anyone.
/// </summary>
public sealed class LiveEngineState : IEngineEventSink
{
    private readonly ConcurrentDictionary<string, MarketSnapshot> _snapshots = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, ScoreResult> _results = new();
    private readonly ConcurrentDictionary<long, PositionSnapshot> _open = new();
    private readonly ConcurrentDictionary<string, double> _lastPrices = new(StringComparer.Ordinal);
    private long _trades;
    private long _ticks;
    private long _skipped;
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

    /// <summary>Ticks not evaluated because the source had not delivered every trade up to them (backfill, gap fill, stall).</summary>
    public long TicksSkipped => Interlocked.Read(ref _skipped);

    /// <summary>Market time of the last evaluation tick (-1 before the first).</summary>
    public long LastTickMs => Interlocked.Read(ref _lastTickMs);

    /// <summary>Wall-clock time the last tick finished (-1 before the first).</summary>
    public long LastTickWallMs => Interlocked.Read(ref _lastTickWallMs);

    public double LastTickDurationMs => Volatile.Read(ref _lastTickDurationMs);

    public long LastTradeWallMs => Interlocked.Read(ref _lastTradeWallMs);

    public int RunningStrategies { get; set; }

    /// <summary>Set by the host while warming up: how far the source's backfill has come (0–1), null when unknown.</summary>
    public Func<double?>? WarmupProgressSource { get; set; }

    /// <summary>Share of the backfill replayed so far while <see cref="Phase"/> is warming up (null otherwise or when unknown).</summary>
    public double? WarmupProgress => Phase == PipelinePhase.WarmingUp && WarmupProgressSource?.Invoke() is { } p ? Math.Clamp(p, 0, 1) : null;

    public IReadOnlyDictionary<string, MarketSnapshot> Snapshots => _snapshots;

    public IReadOnlyDictionary<Guid, ScoreResult> LatestResults => _results;

    public IReadOnlyCollection<PositionSnapshot> OpenPositions => [.. _open.Values.OrderBy(p => p.PositionId)];

    public IReadOnlyDictionary<string, double> LastPrices => _lastPrices;

    internal void OnTradeApplied(string symbol, double price, long wallMs)
    {
        Interlocked.Increment(ref _trades);
        _lastPrices[symbol] = price;
        Interlocked.Exchange(ref _lastTradeWallMs, wallMs);
    }

    internal void OnTickDone(long tickMs, long wallMs, double durationMs)
    {
        Interlocked.Exchange(ref _lastTickMs, tickMs);
        Interlocked.Exchange(ref _lastTickWallMs, wallMs);
        Volatile.Write(ref _lastTickDurationMs, durationMs);
    }

    /// <summary>Forgets open positions (a new session restores them from storage).</summary>
    internal void Reset() => _open.Clear();

    public void Publish(EngineEvent e)
    {
        switch (e)
        {
            case SnapshotTaken s:
                _snapshots[s.Snapshot.Symbol] = s.Snapshot;
                break;
            case EvaluationProduced r:
                _results[r.Result.StrategyId] = r.Result;
                break;
            case PositionOpened o:
                _open[o.Position.PositionId] = o.Position;
                break;
            case Tp1Hit t:
                _open[t.Position.PositionId] = t.Position;
                break;
            case PositionClosed c:
                _open.TryRemove(c.Position.PositionId, out _);
                break;
            case TickCompleted t:
                Interlocked.Increment(ref _ticks);
                RunningStrategies = t.Running;
                break;
            case TickSkipped:
                Interlocked.Increment(ref _skipped);
                break;
        }
    }

    /// <summary>Adds a restored position (bootstrap) without an event.</summary>
    internal void Restored(PositionSnapshot position) => _open[position.PositionId] = position;
}
