using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Engine.Decisions;

/// <summary>What to do with one strategy's result at one tick.</summary>
public readonly record struct Decision(TradeDirection? Signal, string? Tier, bool FlipClose, bool Open, string? OpenRejection);

/// <summary>
/// The decision rules of engine.md §5: signal with cooldown and tier, flip close (not subject to cooldown),
/// open when running, paper trading is on, no position is active and the global cap is not reached.
/// </summary>
public static class Decider
{
    public const string Heavy = "heavy";
    public const string Standard = "standard";

    public static Decision Decide(
        StrategyDefinition strategy,
        ScoreResult result,
        PaperPosition? active,
        long? lastSignalTs,
        long cooldownMs,
        bool paperEnabled,
        int activePositions,
        int maxPositions)
    {
        TradeDirection? signal = null;
        string? tier = null;
        if (result.Direction is { } direction && result.GatePassed == true && result.Score >= strategy.EntryScore &&
            strategy.Direction.Allows(direction) && !(lastSignalTs is { } last && result.TimeMs - last < cooldownMs))
        {
            signal = direction;
            tier = result.Score >= strategy.FlipThreshold ? Heavy : Standard;
        }

        var flip = active is not null && result.Direction is { } d && d != active.Direction &&
                   strategy.Direction.Allows(d) && result.Score >= strategy.FlipThreshold;

        string? rejection = null;
        var open = false;
        if (signal is not null)
        {
            var stillActive = active is not null && !flip;
            var openAfterFlip = activePositions - (flip ? 1 : 0);
            rejection = strategy.Status != StrategyStatus.Running ? "not_running"
                : !paperEnabled ? "paper_disabled"
                : stillActive ? "position_open"
                : openAfterFlip >= maxPositions ? "max_positions"
                : null;
            open = rejection is null;
        }

        return new Decision(signal, tier, flip, open, rejection);
    }
}
