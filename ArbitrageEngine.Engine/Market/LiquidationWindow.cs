namespace ArbitrageEngine.Engine.Market;

/// <summary>
/// Rolling sums of liquidated USD per side over the last <c>windowMs</c> (default 5 minutes), behind the
/// <c>long_liq_usd</c> / <c>short_liq_usd</c> features (engine.md §2.5). One mechanism for every source that sees
/// liquidations (simulated market, Binance forceOrder). Not thread-safe: callers serialise access.
/// </summary>
public sealed class LiquidationWindow(long windowMs = 300_000)
{
    private readonly Queue<Liquidation> _entries = new();

    public long WindowMs { get; } = windowMs;

    public int Count => _entries.Count;

    public double LongUsd { get; private set; }

    public double ShortUsd { get; private set; }

    /// <summary>Adds a liquidation (SELL = a long was liquidated) and evicts by its time.</summary>
    public void Add(Liquidation liquidation)
    {
        _entries.Enqueue(liquidation);
        if (liquidation.IsSell)
        {
            LongUsd += liquidation.Usd;
        }
        else
        {
            ShortUsd += liquidation.Usd;
        }

        EvictOlderThan(liquidation.TimeMs);
    }

    /// <summary>Drops liquidations older than the window at <paramref name="nowMs"/>; true when any left.</summary>
    public bool EvictOlderThan(long nowMs)
    {
        var cutoff = nowMs - WindowMs;
        var evicted = false;
        while (_entries.TryPeek(out var oldest) && oldest.TimeMs < cutoff)
        {
            _entries.Dequeue();
            evicted = true;
            if (oldest.IsSell)
            {
                LongUsd -= oldest.Usd;
            }
            else
            {
                ShortUsd -= oldest.Usd;
            }
        }

        if (_entries.Count == 0)
        {
            LongUsd = ShortUsd = 0; // no floating-point residue once the window is empty
        }

        LongUsd = Math.Max(0, LongUsd);
        ShortUsd = Math.Max(0, ShortUsd);
        return evicted;
    }

    /// <summary>The two feature events with the current sums.</summary>
    public (MarketEvent Long, MarketEvent Short) Features(string symbol, long timeMs) =>
        (MarketEvent.ForFeature(symbol, FeatureKey.LongLiqUsd, LongUsd, timeMs),
         MarketEvent.ForFeature(symbol, FeatureKey.ShortLiqUsd, ShortUsd, timeMs));
}
