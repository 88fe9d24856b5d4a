using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Engine.State;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Engine.Loop;

/// <summary>
/// Receives the engine's domain events synchronously, in the order they happen, on the engine loop.
/// Implementations must be quick (hand off to a channel); the conformance writer, persistence and live
/// notifier all sit behind this one interface.
/// </summary>
public interface IEngineEventSink
{
    void OnSnapshot(MarketSnapshot snapshot) { }

    void OnResult(ScoreResult result, StrategyDefinition strategy) { }

    void OnPositionOpened(PaperPosition position) { }

    void OnTp1(PaperPosition position) { }

    void OnPositionClosed(PaperPosition position, double balanceAfter) { }

    /// <summary>A signal that did not open a position, and why (cooldown is not a signal; this is max positions, already open, paused…).</summary>
    void OnOpenRejected(ScoreResult result, string reason) { }
}

/// <summary>A sink that ignores everything.</summary>
public sealed class NullEventSink : IEngineEventSink
{
    public static NullEventSink Instance { get; } = new();
}
