extern alias web;

using System.Diagnostics;
using System.Globalization;
using ArbitrageEngine.Benchmarks.Storage;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Market.Simulated;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Engine.Persistence.Paper;
using ArbitrageEngine.Engine.Persistence.Strategies;
using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Engine.Strategies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using web::ArbitrageEngine.Web.Accounts;
using web::ArbitrageEngine.Web.Cli;
using web::ArbitrageEngine.Web.Evolve;
using web::ArbitrageEngine.Web.Persistence;

namespace ArbitrageEngine.Benchmarks.Evolve;

/// <summary>
/// One full auto-evolve run (issue 12: ≤ 90 s over 4 symbols, up to 576 candidates + parents, 7 days) on a throwaway
/// PostgreSQL: the simulated market recorded for 7 days + 4 h warm-up into a dataset, the 72 factory strategies running
/// with closed trades and a trend regime's evaluations, then a dry-run timed end to end (reads, the one sweep, selection,
/// report). Prints name=value lines.
/// Run: dotnet run -c Release --project ArbitrageEngine.Benchmarks -- evolve [--days 7]
/// </summary>
public static class EvolveRunLoad
{
    private static readonly string[] Symbols = ["BTCUSDT", "ETHUSDT", "XRPUSDT", "SOLUSDT"];

    public static async Task<int> RunAsync(string[] args)
    {
        var days = args.SkipWhile(a => a != "--days").Skip(1).Select(a => double.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(7);
        var (root, pg) = BenchDatabase.Create("evolve");
        await using var cluster = pg;
        try
        {
            var cs = await BenchDatabase.StartMigratedAsync(pg);
            await using var dataSource = NpgsqlDataSource.Create(cs);
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var endMs = now - (now % 60_000);
            const double WarmupHours = 4;
            var startMs = endMs - (long)((days * 24 + WarmupHours) * 3_600_000);

            var store = Stopwatch.StartNew();
            var trades = await StoreMarketAsync(dataSource, startMs, endMs);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"dataset_trades={trades} dataset_store_s={store.Elapsed.TotalSeconds:0.0}"));

            var builder = new DbContextOptionsBuilder<ArbitrageDbContext>();
            ArbitrageDbContext.Configure(builder, cs);
            List<StrategyDefinition> strategies;
            await using (var db = new ArbitrageDbContext(builder.Options))
            {
                await StrategySeeder.SeedIfEmptyAsync(db, Symbols, DateTimeOffset.UtcNow, CancellationToken.None);
                strategies = [.. (await db.Strategies.AsNoTracking().ToListAsync()).Select(StrategyRowMapper.ToDefinition)];
            }

            await SeedLiveAsync(dataSource, strategies, now);

            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Evolve:Dataset"] = "evolve-bench",
                ["Evolve:TrainDays"] = (days * 5 / 7).ToString("R", CultureInfo.InvariantCulture),
                ["Evolve:TestDays"] = (days * 2 / 7).ToString("R", CultureInfo.InvariantCulture),
                ["Evolve:WarmupHours"] = WarmupHours.ToString(CultureInfo.InvariantCulture),
            }).Build();
            await using var database = new CliDatabase { ConnectionString = cs, Configuration = configuration };
            await using var services = EvolveVerb.BuildServices(database);
            var runner = services.GetRequiredService<EvolveRunner>();
            var sw = Stopwatch.StartNew();
            var (run, refusal) = await runner.RunAsync(new EvolveRequest(EvolveMode.DryRun, false, "cli", AuditActor.System), CancellationToken.None);
            sw.Stop();
            if (refusal is not null || run is null || run.Status != "succeeded")
            {
                await Console.Error.WriteLineAsync($"evolve run failed: {refusal?.Reason ?? run?.Error}");
                return 1;
            }

            var report = EvolveReport.FromJson(await services.GetRequiredService<EvolveStore>().ReportAsync(run.RunId, "json", CancellationToken.None))!;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"evolve_candidates={report.Sweep?.Candidates} evolve_sweep_strategies={report.Sweep?.Strategies} evolve_sweep_s={report.Sweep?.Seconds:0.0} days={days}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"evolve_run_s={sw.Elapsed.TotalSeconds:0.0}"));
            Console.WriteLine(run.Summary);
            return 0;
        }
        finally
        {
            await BenchDatabase.RemoveAsync(pg, root);
        }
    }

    private static async Task<long> StoreMarketAsync(NpgsqlDataSource dataSource, long startMs, long endMs)
    {
        var dataset = await new DatasetCatalog(dataSource).EnsureAsync("evolve-bench", DatasetKinds.Simulated, 20261201);
        var trades = new AggTradeStore(dataSource, dataset.Id);
        var features = new MarketDataStore(dataSource, dataset.Id);
        await trades.EnsurePartitionsAsync(startMs, endMs);
        var market = new SimulatedMarket(new SimulatedMarketOptions { Seed = 20261201 }, Symbols, startMs);
        var buffer = new List<MarketEvent>();
        long count = 0;
        while (market.NowMs < endMs)
        {
            market.AdvanceTo(Math.Min(endMs, market.NowMs + 1_800_000), buffer, backfill: true);
            var batch = buffer.Where(e => e.Kind == MarketEventKind.Trade).Select(e => new SymbolTrade(e.Symbol, e.Trade)).ToList();
            count += batch.Count;
            if (batch.Count > 0)
            {
                await trades.WriteAsync(batch);
            }

            await features.WriteAsync([.. buffer.Where(e => e.Kind == MarketEventKind.Feature)]);
            buffer.Clear();
        }

        return count;
    }

    /// <summary>Closed trades for the first strategy of each symbol and a trend regime's evaluations (what the live loop would have stored).</summary>
    private static async Task SeedLiveAsync(NpgsqlDataSource dataSource, List<StrategyDefinition> strategies, long now)
    {
        var paper = new PaperTradeStore(dataSource);
        long id = 1;
        foreach (var s in strategies.GroupBy(s => s.Symbol).Select(g => g.First()))
        {
            foreach (var pnl in new[] { 1.5, -1, 2 })
            {
                await using var cmd = dataSource.CreateCommand("""
                    INSERT INTO paper_trades (position_id, strategy_id, symbol, direction, score, tier, entry_price, entry_ts, exit_price, exit_ts, tp1, tp2, sl, stop,
                        status, pnl_r, gross_r, fee_r, pnl_usdt, risk_usd, atr, rd, tp1_ratio, tp2_ratio, timeout_minutes, fee_rate, factors, strategy_snapshot)
                    VALUES ($1, $2, $3, 'LONG', 80, 'standard', 100, $4, 101, $5, 101, 102, 99, 99, $6, $7, $7, 0, 1, 100, 1, 1, 1, 2, 240, 0.0005, '{}', '{}')
                    """);
                cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
                cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = s.StrategyId });
                cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = s.Symbol });
                cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = now - 7_200_000 - id * 60_000 });
                cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = now - 3_600_000 - id * 60_000 });
                cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = pnl > 0 ? "tp" : "sl" });
                cmd.Parameters.Add(new NpgsqlParameter<double> { TypedValue = pnl });
                await cmd.ExecuteNonQueryAsync();
                id++;
            }

            var rows = Enumerable.Range(0, 120).Select(i => new ScoreResult
            {
                StrategyId = s.StrategyId,
                Symbol = s.Symbol,
                TimeMs = now - (120 - i) * 60_000L,
                Score = 50,
                GatePassed = true,
                AtrPct = 50,
                CvdFastSlope = 40,
                Layers = new ScoreLayers(default, default, default, default),
            }).ToList();
            rows[0].Signal = TradeDirection.Long;
            rows[60].Signal = TradeDirection.Short;
            rows[90].Signal = TradeDirection.Long;
            await paper.WriteEvaluationsAsync(rows);
        }
    }
}
