using System.Threading.Channels;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Market.Replay;
using ArbitrageEngine.Engine.Market.Simulated;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Hosting;
using ArbitrageEngine.Web.Hosting.Market;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Tests.Integration.Market;

/// <summary>Done-when of issue 10: importing real history next to the simulator changes nothing of the simulated dataset.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DatasetIsolationTests(PostgresFixture postgres)
{
    private static readonly string RealEthCsv = ArbitrageEngine.Tests.Engine.TestData.SharedPath("real-data/ETHUSDT-aggTrades-2023-02-02-sample.csv");

    private static MarketOptions Options() => new()
    {
        Source = MarketSourceKind.Simulated,
        Symbols = ["ETHUSDT", "BTCUSDT"],
        Simulated = new MarketOptions.SimulatedSection { Seed = 4242, BackfillHours = 0.05 },
    };

    private static async Task<MarketDatabase> OpenAsync(string connectionString)
    {
        var endpoint = new DatabaseEndpoint(new ConfigurationBuilder().Build());
        endpoint.SetReady(connectionString);
        await Task.CompletedTask;
        return new MarketDatabase(endpoint, Microsoft.Extensions.Options.Options.Create(Options()));
    }

    /// <summary>Runs the configured source the way the app starts it (resumed from the active dataset) until <paramref name="enough"/> holds.</summary>
    private static async Task<List<SymbolTrade>> RunSourceAsync(MarketDatabase market, Func<IReadOnlyList<SymbolTrade>, bool> enough)
    {
        var factory = new MarketSourceFactory(Microsoft.Extensions.Options.Options.Create(Options()), new ConfigurationBuilder().Build(), new MarketClock(TimeProvider.System, 1), NullLoggerFactory.Instance);
        var source = (SimulatedMarketSource)(await factory.CreateAsync(await market.TradesAsync(CancellationToken.None), CancellationToken.None))!;
        var channel = Channel.CreateUnbounded<MarketEvent>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = source.RunAsync(channel.Writer, stop.Token);
        var trades = new List<SymbolTrade>();
        try
        {
            while (!enough(trades))
            {
                var e = await channel.Reader.ReadAsync(stop.Token);
                if (e.Kind == MarketEventKind.Trade)
                {
                    trades.Add(new SymbolTrade(e.Symbol, e.Trade));
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await run.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        return trades;
    }

    private static async Task<List<AggTrade>> AllAsync(AggTradeStore store, string symbol) => await store.ReadAllAsync(symbol, 0, long.MaxValue);

    [Fact]
    public async Task ImportRealEthAsNamedDataset_SimulatedDatasetUntouchedAndSimulatorContinuesItsOwnIds()
    {
        var cs = await postgres.CreateMigratedDatabaseAsync("isolation");
        await using var market = await OpenAsync(cs);
        var simulated = await market.DatasetAsync(CancellationToken.None);
        var simStore = await market.TradesAsync(CancellationToken.None);
        // First run: the simulator backfills 3 minutes; keep what it generated (as the pipeline's writer does).
        var generated = await RunSourceAsync(market, t => t.Count(x => x.Symbol == "ETHUSDT") >= 300);
        await simStore.WriteAsync(generated);
        var ethBefore = await AllAsync(simStore, "ETHUSDT");
        var btcBefore = await AllAsync(simStore, "BTCUSDT");

        // Import the real ETHUSDT dump as its own dataset, as `import --dataset real-eth` does.
        var catalog = await market.DatasetsAsync(CancellationToken.None);
        var real = await catalog.EnsureAsync("real-eth", DatasetKinds.Import, null);
        var summary = await new AggTradeImporter(new AggTradeStore(await market.DataSourceAsync(CancellationToken.None), real.Id))
            .ImportAsync("ETHUSDT", [RealEthCsv], null, CancellationToken.None);

        // A restart: a fresh MarketDatabase resolves the same active dataset and the source resumes from it.
        await using var restarted = await OpenAsync(cs);
        var active = await restarted.DatasetAsync(CancellationToken.None);
        var resumed = await RunSourceAsync(restarted, t => t.Any(x => x.Symbol == "ETHUSDT"));

        Assert.Equal((1, DatasetInfo.SimulatedName(4242UL), DatasetKinds.Simulated, (long?)4242), (simulated.Id, simulated.Name, simulated.Kind, simulated.Seed));
        Assert.Equal(simulated.Id, active.Id);
        Assert.Equal(1000, summary.Inserted);
        var realTrades = await AllAsync(new AggTradeStore(await market.DataSourceAsync(CancellationToken.None), real.Id), "ETHUSDT");
        Assert.Equal(1000, realTrades.Count);
        Assert.Equal(1_206_419_187, realTrades[0].AggId);
        Assert.Equal(ethBefore, await AllAsync(simStore, "ETHUSDT"));
        Assert.Equal(btcBefore, await AllAsync(simStore, "BTCUSDT"));
        Assert.True(ethBefore[^1].AggId < realTrades[0].AggId, "the sample's ids are above the simulator's: a leak would show");
        Assert.Equal(ethBefore[^1].AggId + 1, resumed.First(t => t.Symbol == "ETHUSDT").Trade.AggId);
        Assert.True(resumed.First(t => t.Symbol == "ETHUSDT").Trade.TimeMs > ethBefore[^1].TimeMs);
    }
}
