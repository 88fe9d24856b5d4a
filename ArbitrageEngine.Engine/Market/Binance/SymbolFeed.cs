namespace ArbitrageEngine.Engine.Market.Binance;

/// <summary>
/// Per-symbol state of <see cref="BinanceMarketSource"/>: the trade sequencer (last emitted agg_id, gap-fill flag,
/// WebSocket trades buffered during a fill) guarded by <see cref="Gate"/>, and the feature state guarded by
/// <see cref="FeatureLock"/>.
/// </summary>
internal sealed class SymbolFeed(string symbol)
{
    public string Symbol { get; } = symbol;

    /// <summary>Async lock: whoever holds it may emit trades of this symbol (keeps agg_id order across WS and REST).</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Last agg_id written to the output; -1 = none yet (the first live trade becomes the baseline).</summary>
    public long LastEmitted { get; set; } = -1;

    /// <summary>A REST fill is pending or running: WebSocket trades go to <see cref="Pending"/>.</summary>
    public bool Filling { get; set; }

    public List<AggTrade> Pending { get; } = [];

    public long Emitted { get; set; }

    public long Duplicates { get; set; }

    public Lock FeatureLock { get; } = new();

    public double Mark { get; set; } = double.NaN;

    public double SpotBid { get; set; } = double.NaN;

    public double SpotAsk { get; set; } = double.NaN;

    public long LastObiTicks { get; set; } = long.MinValue;

    public long LastDivergenceTicks { get; set; } = long.MinValue;

    /// <summary>Rolling 5-minute liquidation sums (guarded by <c>FeatureLock</c>).</summary>
    public LiquidationWindow Liquidations { get; init; } = new();
}
