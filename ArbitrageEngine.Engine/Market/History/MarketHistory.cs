namespace ArbitrageEngine.Engine.Market.History;

/// <summary>One stored feature reading (market_indicators), in event time.</summary>
public readonly record struct FeatureReading(string Symbol, FeatureKey Key, double? Value, long TimeMs);

/// <summary>Stored trades of ONE dataset (the implementation is bound to it). Used by warm-up and replay.</summary>
public interface ITradeHistory
{
    /// <summary>
    /// Streams the trades of <paramref name="symbol"/> with time in [fromMs, toMs) and agg_id ≤ <paramref name="maxAggId"/>
    /// in agg_id order to <paramref name="visit"/>; returns how many.
    /// </summary>
    Task<long> ReadAsync(string symbol, long fromMs, long toMs, long maxAggId, Action<AggTrade> visit, CancellationToken cancellationToken = default);

    Task<long?> EarliestTimeAsync(string symbol, CancellationToken cancellationToken = default);

    Task<AggTrade?> LastTradeAsync(string symbol, CancellationToken cancellationToken = default);
}

/// <summary>Stored feature readings of ONE dataset (the implementation is bound to it).</summary>
public interface IFeatureHistory
{
    /// <summary>The last reading with time ≤ <paramref name="atMs"/> of every feature of every symbol (missing ones omitted).</summary>
    Task<IReadOnlyList<FeatureReading>> LatestAsync(IReadOnlyList<string> symbols, long atMs, CancellationToken cancellationToken = default);

    /// <summary>Readings of <paramref name="symbols"/> with time in [fromMs, toMs), in time order (ties: symbol, then storage order).</summary>
    Task<long> ReadAsync(IReadOnlyList<string> symbols, long fromMs, long toMs, Action<FeatureReading> visit, CancellationToken cancellationToken = default);
}
