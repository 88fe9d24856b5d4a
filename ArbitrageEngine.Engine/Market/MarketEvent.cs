namespace ArbitrageEngine.Engine.Market;

/// <summary>What a <see cref="MarketEvent"/> carries.</summary>
public enum MarketEventKind
{
    Trade,
    Feature,
    Liquidation,
    Funding,
}

/// <summary>A forced liquidation (Binance forceOrder). Side SELL = a long was liquidated, BUY = a short.</summary>
public readonly record struct Liquidation(string Symbol, long TimeMs, bool IsSell, double Price, double Qty)
{
    public double Usd => Price * Qty;
}

/// <summary>Mark/index price and funding of a perpetual (markPrice stream or premiumIndex).</summary>
public readonly record struct FundingSnapshot(string Symbol, long TimeMs, double MarkPrice, double IndexPrice, double FundingRate, long NextFundingTimeMs);

/// <summary>
/// One event from a market source, in order per symbol. A struct so sources can push thousands per second
/// through a bounded channel without allocating.
/// </summary>
public readonly record struct MarketEvent
{
    public MarketEventKind Kind { get; private init; }
    public string Symbol { get; private init; }
    public long TimeMs { get; private init; }
    public AggTrade Trade { get; private init; }
    public FeatureKey Feature { get; private init; }
    public double? Value { get; private init; }
    public Liquidation Liquidation { get; private init; }
    public FundingSnapshot Funding { get; private init; }

    public static MarketEvent ForTrade(string symbol, AggTrade trade) =>
        new() { Kind = MarketEventKind.Trade, Symbol = symbol, TimeMs = trade.TimeMs, Trade = trade };

    public static MarketEvent ForFeature(string symbol, FeatureKey key, double? value, long timeMs) =>
        new() { Kind = MarketEventKind.Feature, Symbol = symbol, TimeMs = timeMs, Feature = key, Value = value };

    public static MarketEvent ForLiquidation(Liquidation liquidation) =>
        new() { Kind = MarketEventKind.Liquidation, Symbol = liquidation.Symbol, TimeMs = liquidation.TimeMs, Liquidation = liquidation };

    public static MarketEvent ForFunding(FundingSnapshot funding) =>
        new() { Kind = MarketEventKind.Funding, Symbol = funding.Symbol, TimeMs = funding.TimeMs, Funding = funding };
}
