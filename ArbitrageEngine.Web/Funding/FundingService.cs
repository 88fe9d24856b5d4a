using ArbitrageEngine.Engine.Funding;
using ArbitrageEngine.Web.Hosting.Market;

namespace ArbitrageEngine.Web.Funding;

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
    public async Task<FundingStatsView> StatsAsync(string symbol, double fee, CancellationToken ct = default) =>
        await FundingStatsView.LoadAsync(new FundingRateStore(await database.DataSourceAsync(ct)), symbol, fee, ct);
}
