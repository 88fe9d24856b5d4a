namespace ArbitrageEngine.Engine.Market;

/// <summary>
/// Rolling 5-minute sums of liquidated USD per side, turned into the <c>long_liq_usd</c> / <c>short_liq_usd</c>
/// features (engine.md §2.5). Used by every source that sees liquidations.
/// </summary>
public sealed class LiquidationWindow(long windowMs = 300_000)
{
    private readonly Queue<Liquidation> _entries = new();

    public int Count => _entries.Count;

    /// <summary>Time of the oldest liquidation in the window (long.MaxValue when empty).</summary>
    public long OldestMs => _entries.Count > 0 ? _entries.Peek().TimeMs : long.MaxValue;

    public double LongUsd { get; private set; }

    public double ShortUsd { get; private set; }

    /// <summary>Adds a liquidation and returns the two feature events with the updated sums.</summary>
    public (MarketEvent Long, MarketEvent Short) Add(Liquidation liquidation)
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

        return Evict(liquidation.Symbol, liquidation.TimeMs);
    }

    /// <summary>Drops liquidations older than the window and returns the features at <paramref name="nowMs"/>.</summary>
    public (MarketEvent Long, MarketEvent Short) Evict(string symbol, long nowMs)
    {
        while (_entries.Count > 0 && _entries.Peek().TimeMs <= nowMs - windowMs)
        {
            var old = _entries.Dequeue();
            if (old.IsSell)
            {
                LongUsd -= old.Usd;
            }
            else
            {
                ShortUsd -= old.Usd;
            }
        }

        if (_entries.Count == 0)
        {
            LongUsd = ShortUsd = 0; // no drift once the window is empty
        }

        return (MarketEvent.ForFeature(symbol, FeatureKey.LongLiqUsd, Math.Max(0, LongUsd), nowMs),
                MarketEvent.ForFeature(symbol, FeatureKey.ShortLiqUsd, Math.Max(0, ShortUsd), nowMs));
    }
}
