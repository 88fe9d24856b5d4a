namespace ArbitrageEngine.Engine.State;

/// <summary>An entry of the recent-large-trades list (engine.md §2.3). Identity is the agg_id.</summary>
public readonly record struct LargeTrade(long AggId, long TimeMs, double Qty, bool IsBuyerMaker);
