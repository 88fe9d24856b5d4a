using ArbitrageEngine.Engine.Market;

namespace ArbitrageEngine.Engine.Performance;

/// <summary>
/// Deterministic synthetic trade flow for benchmarks (not market simulation): a random walk with a
/// heavy-tailed size distribution at a fixed average rate. xorshift keeps it allocation-free and seedable.
/// </summary>
public sealed class SyntheticTrades(double startPrice, double tickSize, double baseQty, long startTimeMs, double tradesPerDay, ulong seed = 0x9E3779B97F4A7C15)
{
    private ulong _state = seed == 0 ? 1 : seed;
    private double _price = startPrice;
    private long _aggId = 1_000_000;
    private double _time = startTimeMs;
    private readonly double _spacingMs = 86_400_000.0 / tradesPerDay;

    private double NextUnit()
    {
        _state ^= _state << 13;
        _state ^= _state >> 7;
        _state ^= _state << 17;
        return (_state >> 11) * (1.0 / (1UL << 53));
    }

    public AggTrade Next()
    {
        var u = NextUnit();
        var sell = u < 0.5;
        var steps = (int)(NextUnit() * 3);
        _price = Math.Max(tickSize, _price + ((sell ? -steps : steps) * tickSize * 0.98));
        _price = Math.Round(_price / tickSize) * tickSize;
        // Pareto-like sizes: mostly small, occasionally 100× the base.
        var size = baseQty * Math.Min(1000, 1 / Math.Pow(Math.Max(NextUnit(), 1e-9), 0.8));
        var qty = Math.Round(size, 3);
        if (qty <= 0)
        {
            qty = 0.001;
        }

        _time += _spacingMs * (0.5 + NextUnit());
        return new AggTrade(_aggId++, (long)_time, _price, qty, sell);
    }

    public void Fill(Span<AggTrade> into)
    {
        for (var i = 0; i < into.Length; i++)
        {
            into[i] = Next();
        }
    }

    public long CurrentTimeMs => (long)_time;
}
