using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Engine.State;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Engine.Loop;

/// <summary>Fans every engine event out to several sinks, in order.</summary>
public sealed class CompositeEventSink(params IEngineEventSink[] sinks) : IEngineEventSink
{
    public void OnSnapshot(MarketSnapshot snapshot)
    {
        foreach (var s in sinks)
        {
            s.OnSnapshot(snapshot);
        }
    }

    public void OnResult(ScoreResult result, StrategyDefinition strategy)
    {
        foreach (var s in sinks)
        {
            s.OnResult(result, strategy);
        }
    }

    public void OnPositionOpened(PaperPosition position)
    {
        foreach (var s in sinks)
        {
            s.OnPositionOpened(position);
        }
    }

    public void OnTp1(PaperPosition position)
    {
        foreach (var s in sinks)
        {
            s.OnTp1(position);
        }
    }

    public void OnPositionClosed(PaperPosition position, double balanceAfter)
    {
        foreach (var s in sinks)
        {
            s.OnPositionClosed(position, balanceAfter);
        }
    }

    public void OnOpenRejected(ScoreResult result, string reason)
    {
        foreach (var s in sinks)
        {
            s.OnOpenRejected(result, reason);
        }
    }
}
