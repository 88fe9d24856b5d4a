extern alias web;

using System.Diagnostics;
using System.Globalization;
using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Performance;
using ArbitrageEngine.Engine.Persistence.Local;
using ArbitrageEngine.Engine.Persistence.Market;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using web::ArbitrageEngine.Web.Persistence;

namespace ArbitrageEngine.Benchmarks.Storage;

/// <summary>
/// Storage figures on a throwaway local PostgreSQL cluster (issue: market data):
/// COPY ingest into the partitioned agg_trades (import batches and live 1,000-row batches), and the warm-up
/// load of 24 h × 4 symbols into the engine. Prints name=value lines.
/// Run: dotnet run -c Release --project ArbitrageEngine.Benchmarks -- storage [--trades-per-symbol N]
/// </summary>
public static class StorageLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var perSymbol = args.SkipWhile(a => a != "--trades-per-symbol").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(1_500_000);
        var (root, pg) = BenchDatabase.Create("storage");
        await using var cluster = pg;
        try
        {
            var cs = await BenchDatabase.StartMigratedAsync(pg);

            await using var dataSource = NpgsqlDataSource.Create(cs);
            var store = new AggTradeStore(dataSource, datasetId: 1);
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000 * 1000;
            var start = now - EnginePerf.DayMs;

            // 1) Import-sized batches (50,000 rows), all four symbols, a full day each.
            long written = 0;
            var sw = Stopwatch.StartNew();
            foreach (var symbol in EnginePerf.Symbols)
            {
                var flow = EnginePerf.Flow(symbol, start, perSymbol);
                var batch = new List<SymbolTrade>(50_000);
                for (var i = 0; i < perSymbol; i++)
                {
                    var t = flow.Next();
                    if (t.TimeMs > now)
                    {
                        break;
                    }

                    batch.Add(new SymbolTrade(symbol, t));
                    if (batch.Count == 50_000)
                    {
                        written += (await store.WriteAsync(batch)).Inserted;
                        batch.Clear();
                    }
                }

                written += (await store.WriteAsync(batch)).Inserted;
            }

            Print("copy_ingest_trades", written);
            Print("copy_ingest_per_s", written / sw.Elapsed.TotalSeconds);

            // 2) Live-sized batches (1,000 rows) for 200,000 more trades.
            var live = EnginePerf.Flow("BTCUSDT", now + 1, perSymbol);
            sw.Restart();
            long liveWritten = 0;
            for (var b = 0; b < 200; b++)
            {
                var batch = new List<SymbolTrade>(1_000);
                for (var i = 0; i < 1_000; i++)
                {
                    var t = live.Next();
                    batch.Add(new SymbolTrade("BTCUSDT", t with { AggId = t.AggId + 100_000_000 }));
                }

                liveWritten += (await store.WriteAsync(batch)).Inserted;
            }

            Print("copy_ingest_live_batches_per_s", liveWritten / sw.Elapsed.TotalSeconds);

            // 3) Warm-up: last 24 h of every symbol into a fresh engine.
            var loop = new EngineLoop(new EngineSettings { Symbols = EnginePerf.Symbols }, new PaperSettings());
            sw.Restart();
            var results = await EngineBootstrap.WarmUpAsync(loop, store, null, now, null, CancellationToken.None);
            Print("warmup_seconds", sw.Elapsed.TotalSeconds);
            Print("warmup_trades", results.Sum(r => r.Trades));
            Print("warmup_trades_per_s", results.Sum(r => r.Trades) / sw.Elapsed.TotalSeconds);
            return 0;
        }
        finally
        {
            await BenchDatabase.RemoveAsync(pg, root);
        }
    }

    private static void Print(string name, double value) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}={value:0.###}"));
}
