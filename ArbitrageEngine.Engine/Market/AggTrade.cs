namespace ArbitrageEngine.Engine.Market;

/// <summary>
/// One Binance aggregate trade. <see cref="IsBuyerMaker"/> = true means the taker SOLD.
/// A value type so the hot path never allocates.
/// </summary>
public readonly record struct AggTrade(long AggId, long TimeMs, double Price, double Qty, bool IsBuyerMaker);

/// <summary>An aggregate trade tagged with its symbol, as it leaves a market source.</summary>
public readonly record struct SymbolTrade(string Symbol, AggTrade Trade);
