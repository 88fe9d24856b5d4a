using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.Simulated;
using ArbitrageEngine.Engine.Persistence.Engine;
using ArbitrageEngine.Engine.Persistence.Paper;
using ArbitrageEngine.Engine.Persistence.Strategies;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Hosting.Market;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ArbitrageEngine.Tests.Integration.Paper;

[Collection(PostgresCollection.Name)]
public sealed class SimulatedRunPersistenceTests(PostgresFixture postgres)
{
    [Fact]
    public async Task FullSimulatedRun_PositionsOpenAndClose_BalancesEqualSumOfPnl()
    {
        var connectionString = await postgres.CreateMigratedDatabaseAsync("simrun");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var store = new PaperTradeStore(dataSource);
        string[] symbols = ["BTCUSDT", "ETHUSDT", "XRPUSDT", "SOLUSDT"];
        const long Start = 1_790_000_000_000;
        await using (var db = PostgresFixture.CreateContext(connectionString))
        {
            Assert.Equal(72, await StrategySeeder.SeedIfEmptyAsync(db, symbols, DateTimeOffset.UnixEpoch, CancellationToken.None));
            Assert.Equal(0, await StrategySeeder.SeedIfEmptyAsync(db, symbols, DateTimeOffset.UnixEpoch, CancellationToken.None));
        }

        var persistence = new EnginePersistence(store, new EngineJournal(dataSource), () => 0, () => 0, NullLogger<EnginePersistence>.Instance);
        persistence.StartSession(Guid.NewGuid(), new Dictionary<Guid, long>());
        var loop = new EngineLoop(new EngineSettings { Symbols = symbols }, new PaperSettings(), persistence);
        var engine = loop.Engine;
        await using (var db = PostgresFixture.CreateContext(connectionString))
        {
            loop.Load([.. (await db.Strategies.AsNoTracking().OrderBy(s => s.CreatedAt).ToListAsync()).Select(StrategyRowMapper.ToDefinition)]);
        }

        // 24 h of history, then 90 simulated minutes with a tick every 15 s.
        var market = new SimulatedMarket(new SimulatedMarketOptions(), symbols, Start - 86_400_000);
        var buffer = new List<MarketEvent>();
        var ticks = new EventTimeTicks(loop, Start, Start + (90 * 60_000) - 15_000);
        while (market.NowMs < Start + (90 * 60_000))
        {
            market.AdvanceTo(market.NowMs + 1_000, buffer, backfill: market.NowMs < Start);
            foreach (var e in buffer)
            {
                ticks.OnEvent(e);
            }

            buffer.Clear();
        }

        ticks.AdvanceTo(Start + (90 * 60_000));

        await persistence.DrainAsync(CancellationToken.None);

        var closed = await store.ClosedTradesAsync(null);
        Assert.True(closed.Count > 5, $"only {closed.Count} closed trades");
        Assert.Equal(0, persistence.Failures);
        await using (var db = PostgresFixture.CreateContext(connectionString))
        {
            foreach (var row in await db.Strategies.AsNoTracking().ToListAsync())
            {
                var pnl = closed.Where(t => t.StrategyId == row.StrategyId).Sum(t => (decimal)t.PnlUsdt);
                Assert.Equal(row.InitialBalance + pnl, row.CurrentBalance, 6);
                Assert.Equal(engine.Broker.AccountFor(engine.StrategyById(row.StrategyId)!).CurrentBalance, (double)row.CurrentBalance, 6);
            }
        }

        await using var count = dataSource.CreateCommand("SELECT count(*) FROM signal_evaluations");
        Assert.Equal(360L * 72, (long)(await count.ExecuteScalarAsync())!);
        Assert.Equal(engine.Broker.ActiveCount, (await store.LoadOpenAsync()).Count);
    }
}
