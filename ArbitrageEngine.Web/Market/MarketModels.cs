namespace ArbitrageEngine.Web.Market;

/// <summary>A candle of one interval, derived from the 1-minute bars (volumes in base units, quotes in USDT).</summary>
public sealed record MarketCandle(
    long OpenMs,
    double Open,
    double High,
    double Low,
    double Close,
    double BuyQty,
    double SellQty,
    double BuyQuote,
    double SellQuote,
    long Trades)
{
    public double CvdDelta => BuyQty - SellQty;

    public double Volume => BuyQty + SellQty;

    /// <summary>Σ(p·q) / Σq of the candle (0 without volume).</summary>
    public double Vwap => Volume > 0 ? (BuyQuote + SellQuote) / Volume : 0;
}

/// <summary>A symbol of a dataset on /market: the last bar's close and the change over 24 h of bars.</summary>
public sealed record MarketSymbolRow(string Symbol, long? LastBarMs, double? LastPrice, double? Change24h, double? QuoteVolume24h, long LastTradeMs);

/// <summary>One liquidation (SELL = a long position was liquidated).</summary>
public sealed record MarketLiquidation(long TimeMs, bool IsLong, double Price, double Qty, double Usd);

/// <summary>A funding-rate point (snapshot bucket or settlement).</summary>
public sealed record MarketFundingPoint(long TimeMs, double Rate);

/// <summary>A stored trade as the market page shows it.</summary>
public sealed record MarketTrade(long AggId, long TimeMs, double Price, double Qty, bool IsBuyerMaker)
{
    public double Usd => Price * Qty;

    /// <summary>Taker buy (the buyer was not the maker).</summary>
    public bool IsBuy => !IsBuyerMaker;
}

/// <summary>
/// Order flow of a range, from the 1-minute bars (exact sums: volumes and quotes are numeric in the table).
/// The range is whole minutes: [FromMs, ToMs).
/// </summary>
public sealed record RangeSummary(
    long FromMs,
    long ToMs,
    int Minutes,
    long Trades,
    decimal BuyQty,
    decimal SellQty,
    decimal BuyQuote,
    decimal SellQuote,
    double? Open,
    double? High,
    double? Low,
    double? Close,
    decimal WhaleBuyUsd,
    decimal WhaleSellUsd,
    long WhaleTrades,
    double WhaleThresholdUsd)
{
    public decimal Cvd => BuyQty - SellQty;

    public decimal Volume => BuyQty + SellQty;

    /// <summary>Σ(p·q) / Σq over the range; null without volume.</summary>
    public decimal? Vwap => Volume > 0 ? (BuyQuote + SellQuote) / Volume : null;

    /// <summary>(buy − sell) / (buy + sell) of the whale trades (engine.md §2.4 shape); null without whale trades.</summary>
    public double? WhaleRatio => WhaleBuyUsd + WhaleSellUsd > 0 ? (double)((WhaleBuyUsd - WhaleSellUsd) / (WhaleBuyUsd + WhaleSellUsd)) : null;

    public bool IsEmpty => Trades == 0;
}

/// <summary>Buy and sell volume per (time bucket, price bucket) of a range.</summary>
public sealed record RangeHeatMap(long FromMs, long BucketMs, double PriceMin, double PriceStep, double[,] Buy, double[,] Sell)
{
    public int TimeBuckets => Buy.GetLength(0);

    public int PriceBuckets => Buy.GetLength(1);
}

/// <summary>A page of trades (keyset on agg_id) of an agg-id range.</summary>
public sealed record TradePage(IReadOnlyList<MarketTrade> Trades, bool HasNext, bool HasPrevious);
