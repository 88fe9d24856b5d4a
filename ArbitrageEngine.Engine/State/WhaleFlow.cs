namespace ArbitrageEngine.Engine.State;

/// <summary>Trades of at least <see cref="MinUsd"/> notional in the last 15 minutes (engine.md §2, §2.4).</summary>
internal sealed class WhaleFlow(double minUsd = 100_000, long windowMs = 900_000)
{
    private readonly Queue<(long TimeMs, double Usd, bool IsSell)> _entries = new();

    public double MinUsd { get; } = minUsd;

    public int Count => _entries.Count;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void OnTrade(long timeMs, double price, double qty, bool isBuyerMaker)
    {
        var usd = price * qty;
        if (usd >= MinUsd)
        {
            _entries.Enqueue((timeMs, usd, isBuyerMaker));
        }

        if (_entries.Count != 0)
        {
            Evict(timeMs);
        }
    }

    public void Evict(long nowMs)
    {
        var cutoff = nowMs - windowMs;
        while (_entries.Count > 0 && _entries.Peek().TimeMs < cutoff)
        {
            _entries.Dequeue();
        }
    }

    /// <summary>(buy − sell) / (buy + sell) over the list; 0 when empty.</summary>
    public double CvdRatio()
    {
        double buy = 0, sell = 0;
        foreach (var (_, usd, isSell) in _entries)
        {
            if (isSell)
            {
                sell += usd;
            }
            else
            {
                buy += usd;
            }
        }

        var total = buy + sell;
        return total > 0 ? (buy - sell) / total : 0.0;
    }
}
