extern alias web;

using System.Diagnostics;
using System.Globalization;
using ArbitrageEngine.Benchmarks.Storage;
using ArbitrageEngine.Engine.Funding;
using web::ArbitrageEngine.Web.Persistence;
using ArbitrageEngine.Engine.Persistence.Local;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ArbitrageEngine.Benchmarks.Funding;

/// <summary>
/// The /funding statistics figure (issue 13: ≤ 200 ms over 6 years of 8-hourly rates) on a throwaway PostgreSQL:
/// 6 years of settlements for BTCUSDT, ETHUSDT and XRPUSDT, then the page's statistics load (three history reads,
/// per-year, 7-day and the BTC+ETH combination) timed N times. Prints name=value lines.
/// Run: dotnet run -c Release --project ArbitrageEngine.Benchmarks -- funding [--runs 50]
/// </summary>
public static class FundingStatsLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var runs = args.SkipWhile(a => a != "--runs").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(50);
        var (root, pg) = BenchDatabase.Create("funding");
        await using var cluster = pg;
        try
        {
            var cs = await BenchDatabase.StartMigratedAsync(pg);

            await using var dataSource = NpgsqlDataSource.Create(cs);
            var store = new FundingRateStore(dataSource);
            const long Interval = 8 * 3_600_000L;
            var start = new DateTimeOffset(2020, 6, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
            var count = (int)(6 * 365.25 * 3);
            var random = new Random(13);
            foreach (var symbol in new[] { "BTCUSDT", "ETHUSDT", "XRPUSDT" })
            {
                var rows = Enumerable.Range(0, count).Select(i => new FundingSettlement(start + (i * Interval), Math.Round((random.NextDouble() - 0.3) * 0.0005, 8))).ToList();
                await store.WriteAsync(symbol, rows, "import");
            }

            await using (var analyze = dataSource.CreateCommand("ANALYZE funding_rates"))
            {
                await analyze.ExecuteNonQueryAsync();
            }

            _ = await FundingStatsView.LoadAsync(store, "XRPUSDT", FundingStatistics.DefaultFee); // warm-up (JIT, pool)
            var times = new double[runs];
            for (var i = 0; i < runs; i++)
            {
                var sw = Stopwatch.StartNew();
                var view = await FundingStatsView.LoadAsync(store, "XRPUSDT", FundingStatistics.DefaultFee);
                times[i] = sw.Elapsed.TotalMilliseconds;
                if (view.Settlements != count)
                {
                    throw new InvalidOperationException($"expected {count} settlements, read {view.Settlements}");
                }
            }

            Array.Sort(times);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"funding_settlements_per_symbol={count}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"funding_stats_ms_median={times[runs / 2]:0.0}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"funding_stats_ms_max={times[^1]:0.0}"));
            return 0;
        }
        finally
        {
            await BenchDatabase.RemoveAsync(pg, root);
        }
    }
}
