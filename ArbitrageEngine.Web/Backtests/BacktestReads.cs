using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Web.Hosting.Market;

namespace ArbitrageEngine.Web.Backtests;

/// <summary>A dataset with the stored range of each symbol (the form shows what can be backtested).</summary>
public sealed record BacktestDatasetChoice(DatasetInfo Dataset, IReadOnlyList<DatasetSymbolRange> Ranges)
{
    public long? FirstMs => Ranges.Count == 0 ? null : Ranges.Min(r => r.FirstTimeMs);

    public long? LastMs => Ranges.Count == 0 ? null : Ranges.Max(r => r.LastTimeMs);
}

/// <summary>Reads for the /backtest page and the preview panel: components never touch the data source (architecture test).</summary>
public sealed class BacktestReads(BacktestDatabase database, MarketDatabase market)
{
    public async Task<IReadOnlyList<BacktestRunRow>> RunsAsync(CancellationToken cancellationToken = default) =>
        await (await database.StoreAsync(cancellationToken)).ListAsync(200, includePreviews: false, cancellationToken);

    public async Task<BacktestRunRow?> RunAsync(Guid runId, CancellationToken cancellationToken = default) =>
        await (await database.StoreAsync(cancellationToken)).FindAsync(runId, cancellationToken);

    public async Task<IReadOnlyList<StoredStrategyResult>> StrategiesAsync(Guid runId, CancellationToken cancellationToken = default) =>
        await (await database.StoreAsync(cancellationToken)).StrategiesAsync(runId, cancellationToken);

    public async Task<BacktestTradePage> TradesAsync(Guid runId, Guid? strategyId, int page, int size, CancellationToken cancellationToken = default) =>
        await (await database.StoreAsync(cancellationToken)).TradesAsync(runId, strategyId, page, size, cancellationToken);

    public async Task<IReadOnlyList<StoredWalkForwardWindow>> WindowsAsync(Guid runId, CancellationToken cancellationToken = default) =>
        await (await database.StoreAsync(cancellationToken)).WindowsAsync(runId, cancellationToken);

    public async Task<System.Text.Json.JsonElement?> SummaryAsync(Guid runId, CancellationToken cancellationToken = default) =>
        await (await database.StoreAsync(cancellationToken)).SummaryAsync(runId, cancellationToken);

    /// <summary>Closed trades of a run (of one strategy when given), as the statistics panels take them.</summary>
    public async Task<IReadOnlyList<ClosedTrade>> ClosedTradesAsync(Guid runId, Guid? strategyId, CancellationToken cancellationToken = default)
    {
        var store = await database.StoreAsync(cancellationToken);
        var trades = new List<ClosedTrade>();
        await foreach (var t in store.AllTradesAsync(runId, strategyId, cancellationToken))
        {
            if (ToClosed(t) is { } closed)
            {
                trades.Add(closed);
            }
        }

        return trades;
    }

    /// <summary>A stored trade as a closed trade (null while it was still open at the end of the range).</summary>
    public static ClosedTrade? ToClosed(StoredBacktestTrade t)
    {
        if (t.ExitMs is not { } exit || !PositionStatusNames.TryParse(t.Status, out var status) || status.IsOpen()
            || !StrategyNames.TryParseDirection(t.Direction, out var direction))
        {
            return null;
        }

        return new ClosedTrade(t.StrategyId, t.Symbol, direction, t.Score, status, t.EntryMs, exit, t.PnlR ?? 0, t.PnlUsdt ?? 0, t.GrossR ?? 0, t.FeeR ?? 0);
    }

    /// <summary>Datasets with their stored ranges per symbol.</summary>
    public async Task<IReadOnlyList<BacktestDatasetChoice>> DatasetsAsync(CancellationToken cancellationToken = default)
    {
        var catalog = await market.DatasetsAsync(cancellationToken);
        var choices = new List<BacktestDatasetChoice>();
        foreach (var d in await catalog.ListAsync(cancellationToken))
        {
            choices.Add(new BacktestDatasetChoice(d, await catalog.RangesAsync(d.Id, cancellationToken)));
        }

        return choices;
    }

    /// <summary>The dataset the live app writes to (the default of the form and of the preview).</summary>
    public async Task<string> ActiveDatasetAsync(CancellationToken cancellationToken = default) => (await market.DatasetAsync(cancellationToken)).Name;
}
