using ArbitrageEngine.Engine.Funding;
using ArbitrageEngine.Web.Hosting.Market;

namespace ArbitrageEngine.Web.Funding;

/// <summary>The statistics panel of one symbol: the 7 days up to its latest settlement, per year, and the BTC+ETH 50/50 mix.</summary>
public sealed record FundingStatsView(
    string Symbol,
    int Settlements,
    long? FirstMs,
    long? LastMs,
    FundingPeriodStats Last7Days,
    IReadOnlyList<FundingPeriodStats> PerYear,
    FundingPeriodStats? Combined7Days,
    IReadOnlyList<FundingPeriodStats> CombinedPerYear);

/// <summary>Reads for the /funding page (live snapshots, history, candles, statistics, signal checks) on the market data source.</summary>
public sealed class FundingService(MarketDatabase database)
{
    public const long DayMs = 86_400_000;

    public async Task<List<FundingSnapshotRow>> LatestSnapshotsAsync(CancellationToken ct = default) =>
        await new FundingSnapshotStore(await database.DataSourceAsync(ct)).LatestAsync(ct);

    public async Task<List<FundingSettlement>> HistoryAsync(string symbol, long? fromMs, CancellationToken ct = default) =>
        await new FundingRateStore(await database.DataSourceAsync(ct)).ReadAsync(symbol, fromMs, null, ct);

    public async Task<List<FundingCandle>> CandlesAsync(string symbol, long intervalMs, long fromMs, long toMs, CancellationToken ct = default) =>
        await new FundingSnapshotStore(await database.DataSourceAsync(ct)).CandlesAsync(symbol, intervalMs, fromMs, toMs, ct);

    public async Task<List<FundingSignalCheck>> SignalsAsync(string? symbol, int limit, bool signalsOnly, CancellationToken ct = default) =>
        await new FundingSignalStore(await database.DataSourceAsync(ct)).ReadAsync(symbol, limit, signalsOnly, ct);

    /// <summary>
    /// Everything the statistics and explanation panels show, from the stored settlements. The 7-day window ends at the
    /// symbol's latest settlement, so an imported history that stops in the past still has a meaningful figure.
    /// </summary>
    public async Task<FundingStatsView> StatsAsync(string symbol, double fee, CancellationToken ct = default)
    {
        var store = new FundingRateStore(await database.DataSourceAsync(ct));
        var history = await store.ReadAsync(symbol, null, null, ct);
        var btc = await store.ReadAsync("BTCUSDT", null, null, ct);
        var eth = await store.ReadAsync("ETHUSDT", null, null, ct);
        return Compute(symbol, history, btc, eth, fee);
    }

    /// <summary>The pure part of <see cref="StatsAsync"/>.</summary>
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

    private static FundingPeriodStats Last7(IReadOnlyList<FundingSettlement> s, double fee)
    {
        if (s.Count == 0)
        {
            return new FundingPeriodStats("7d", 0, 0, 0, 0, 0);
        }

        var end = s[^1].TimeMs;
        return FundingStatistics.Window(s, end - (7 * DayMs) + 1, end, "7d", fee);
    }
}
