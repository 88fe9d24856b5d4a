using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Engine.State;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Engine.Loop;

/// <summary>
/// Everything the engine loop tells the outside world, as plain immutable records in the order it happened (one
/// stream: persistence, live read model, notifier and hub all subscribe to it). <see cref="TimeMs"/> is event time,
/// never wall time. Payload objects (<see cref="MarketSnapshot"/>, <see cref="ScoreResult"/>,
/// <see cref="StrategyDefinition"/>, <see cref="PositionSnapshot"/>) are not changed after the event is published.
/// </summary>
public abstract record EngineEvent(long TimeMs);

/// <summary>One symbol's state at a tick.</summary>
public sealed record SnapshotTaken(MarketSnapshot Snapshot) : EngineEvent(Snapshot.TimeMs);

/// <summary>One running strategy's evaluation at a tick, with its decision (signal, tier) filled in.</summary>
public sealed record EvaluationProduced(ScoreResult Result, StrategyDefinition Strategy) : EngineEvent(Result.TimeMs);

/// <summary>A signal that did not open a position, and why (max positions, position open, paused, balance…).</summary>
public sealed record SignalRejected(ScoreResult Result, string Reason) : EngineEvent(Result.TimeMs);

public sealed record PositionOpened(PositionSnapshot Position) : EngineEvent(Position.EntryTimeMs);

public sealed record Tp1Hit(PositionSnapshot Position) : EngineEvent(Position.Tp1TimeMs ?? Position.EntryTimeMs);

public sealed record PositionClosed(PositionSnapshot Position, double BalanceAfter) : EngineEvent(Position.ExitTimeMs ?? Position.EntryTimeMs);

/// <summary>Last price of a symbol; published at most every <see cref="EngineLoopOptions.PriceIntervalMs"/> of event time per symbol.</summary>
public sealed record PriceChanged(string Symbol, double Price, long AtMs) : EngineEvent(AtMs);

/// <summary>A command took effect at <paramref name="TickMs"/> (before that tick's scoring).</summary>
public sealed record CommandApplied(EngineCommand Command, long TickMs) : EngineEvent(TickMs);

/// <summary>A command reached the loop but was refused (unknown strategy, invalid parameters); nothing changed.</summary>
public sealed record CommandRejected(EngineCommand Command, long TickMs, string Reason) : EngineEvent(TickMs);

/// <summary>A tick begins: every event up to <see cref="TickCompleted"/> belongs to it (commands, timeouts, evaluations, opens, flips).</summary>
public sealed record TickStarted(long TickMs) : EngineEvent(TickMs);

/// <summary>
/// The feature values the tick reads that changed since the previous tick, with their own event times: stored, they
/// let a replay feed each tick exactly the values live had (backtest.md §4).
/// </summary>
public sealed record FeaturesRecorded(long TickMs, IReadOnlyList<FeatureReading> Readings) : EngineEvent(TickMs);

/// <summary>A tick finished: every event of the tick precedes it.</summary>
public sealed record TickCompleted(long TickMs, int Evaluated, int Running) : EngineEvent(TickMs);

/// <summary>A tick that was not evaluated (the source had not delivered every trade up to it yet).</summary>
public sealed record TickSkipped(long TickMs, string Reason) : EngineEvent(TickMs);

/// <summary>
/// The loop (re)started at <paramref name="AtMs"/> (live: a new process warmed up from storage; replay: the recorded
/// restart). Subscribers that keep per-session state reset it.
/// </summary>
public sealed record SessionStarted(Guid SessionId, long AtMs) : EngineEvent(AtMs);

/// <summary>Receives the loop's events synchronously, in order, on the loop thread; must be quick (hand off).</summary>
public interface IEngineEventSink
{
    void Publish(EngineEvent e);
}

/// <summary>Fans events out to several sinks, in order.</summary>
public sealed class EngineEventFanOut : IEngineEventSink
{
    private IEngineEventSink[] _sinks = [];

    public EngineEventFanOut(params IEngineEventSink[] sinks) => _sinks = sinks;

    /// <summary>Adds a subscriber (before the loop runs; the loop thread reads the array without locking).</summary>
    public void Add(IEngineEventSink sink) => _sinks = [.. _sinks, sink];

    public void Publish(EngineEvent e)
    {
        foreach (var sink in _sinks)
        {
            sink.Publish(e);
        }
    }
}

/// <summary>A sink that ignores everything.</summary>
public sealed class NullEventSink : IEngineEventSink
{
    public static NullEventSink Instance { get; } = new();

    public void Publish(EngineEvent e)
    {
    }
}

/// <summary>Adapts a delegate.</summary>
public sealed class DelegateEventSink(Action<EngineEvent> handler) : IEngineEventSink
{
    public void Publish(EngineEvent e) => handler(e);
}
