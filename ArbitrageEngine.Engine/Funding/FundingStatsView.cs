namespace ArbitrageEngine.Engine.Funding;

/// <summary>The statistics panel of one symbol: the 7 days up to its latest settlement, per year, and the BTC+ETH 50/50 mix.</summary>
public sealed record FundingStatsView(
    string Symbol,
    int Settlements,
    long? FirstMs,
    long? LastMs,
    FundingPeriodStats Last7Days,
    IReadOnlyList<FundingPeriodStats> PerYear,
    FundingPeriodStats? Combined7Days,
    IReadOnlyList<FundingPeriodStats> CombinedPerYear)
{
    private const long WeekMs = 7 * 86_400_000L;

    /// <summary>Reads the histories of the symbol, BTCUSDT and ETHUSDT and computes the view (what /funding does per symbol).</summary>
    public static async Task<FundingStatsView> LoadAsync(FundingRateStore store, string symbol, double fee, CancellationToken ct = default)
    {
        var history = await store.ReadAsync(symbol, null, null, ct).ConfigureAwait(false);
        var btc = symbol == "BTCUSDT" ? history : await store.ReadAsync("BTCUSDT", null, null, ct).ConfigureAwait(false);
        var eth = symbol == "ETHUSDT" ? history : await store.ReadAsync("ETHUSDT", null, null, ct).ConfigureAwait(false);
        return Compute(symbol, history, btc, eth, fee);
    }

    /// <summary>
    /// Computes the view. The 7-day window ends at the latest settlement, so an imported history that stops in the past
    /// still has a meaningful figure.
    /// </summary>
    public static FundingStatsView Compute(string symbol, IReadOnlyList<FundingSettlement> history, IReadOnlyList<FundingSettlement> btc, IReadOnlyList<FundingSettlement> eth, double fee)
    {
        var combined = FundingStatistics.Combine(btc, eth);
        return new FundingStatsView(
            symbol,
            history.Count,
            history.Count == 0 ? null : history[0].TimeMs,
            history.Count == 0 ? null : history[^1].TimeMs,
            Last7(history, fee),
            FundingStatistics.PerYear(history, fee),
            combined.Count == 0 ? null : Last7(combined, fee),
            FundingStatistics.PerYear(combined, fee));
    }

    private static FundingPeriodStats Last7(IReadOnlyList<FundingSettlement> s, double fee) =>
        s.Count == 0 ? new FundingPeriodStats("7d", 0, 0, 0, 0, 0) : FundingStatistics.Window(s, s[^1].TimeMs - WeekMs + 1, s[^1].TimeMs, "7d", fee);
}
