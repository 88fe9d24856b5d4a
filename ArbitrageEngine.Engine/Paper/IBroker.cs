using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Engine.Paper;

/// <summary>
/// What the engine loop needs from a broker (backtest.md §3): open at a signal, mark every trade for exits, time
/// out and close positions, keep balances. <see cref="PaperBroker"/> simulates fills; a live broker (live.md) implements
/// the same contract by sending orders and reporting fills back through the listener, and a risk guard can wrap any
/// broker (decorator) to veto opens. Single writer: only the loop calls it.
/// </summary>
public interface IBroker
{
    PaperSettings Settings { get; }

    int ActiveCount { get; }

    IReadOnlyList<PaperPosition> ActivePositions { get; }

    PaperPosition? ActiveFor(Guid strategyId);

    /// <summary>The balance of <paramref name="strategy"/>, created from its stored balances on first use.</summary>
    StrategyAccount AccountFor(StrategyDefinition strategy);

    /// <summary>Raises both the initial and the current balance.</summary>
    void TopUp(StrategyDefinition strategy, double amount);

    /// <summary>Opens a position at the result's price, or returns null with the reason.</summary>
    PaperPosition? Open(StrategyDefinition strategy, ScoreResult result, TradeDirection direction, string tier, out string? rejection);

    /// <summary>Checks the exits of the symbol's open positions at one trade.</summary>
    void OnTrade(string symbol, in AggTrade trade);

    /// <summary>Timeouts at an evaluation tick, with each symbol's last price.</summary>
    void CheckTimeouts(long nowMs, Func<string, double> lastPrice);

    /// <summary>Closes once; a second call returns false.</summary>
    bool Close(PaperPosition position, PositionStatus status, double exitPrice, long timeMs);

    /// <summary>Adds a position loaded from storage (restart recovery).</summary>
    void Track(PaperPosition position);

    /// <summary>Where opens, TP1s and closes are reported (the engine loop attaches itself).</summary>
    void Attach(IBrokerListener listener);
}

/// <summary>Receives the broker's position changes synchronously, on the loop.</summary>
public interface IBrokerListener
{
    void Opened(PaperPosition position);

    void Tp1(PaperPosition position);

    void Closed(PaperPosition position, double balanceAfter);
}
