using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Tests.Engine.Backtest;
using Npgsql;

namespace ArbitrageEngine.Tests.Integration.Backtest;

/// <summary>Imports the public golden stream's trades and feature readings into a stored dataset.</summary>
internal static class GoldenDataset
{
    public static async Task<DatasetInfo> ImportAsync(NpgsqlDataSource dataSource, string name)
    {
        var dataset = await new DatasetCatalog(dataSource).EnsureAsync(name, DatasetKinds.Import, null);
        var events = GoldenEvents.Events;
        var trades = events.Where(e => e.Kind == MarketEventKind.Trade).Select(e => new SymbolTrade(e.Symbol, e.Trade)).ToList();
        var store = new AggTradeStore(dataSource, dataset.Id);
        await store.EnsurePartitionsAsync(trades.Min(t => t.Trade.TimeMs), trades.Max(t => t.Trade.TimeMs));
        foreach (var chunk in trades.Chunk(20_000))
        {
            await store.WriteAsync(chunk);
        }

        await new MarketDataStore(dataSource, dataset.Id).WriteAsync([.. events.Where(e => e.Kind == MarketEventKind.Feature)]);
        return dataset;
    }
}
