extern alias web;

using System.Diagnostics;
using System.Globalization;
using ArbitrageEngine.Benchmarks.Storage;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Persistence.Market;
using Npgsql;
using web::ArbitrageEngine.Web.Market;

namespace ArbitrageEngine.Benchmarks.Market;

/// <summary>
/// The /market/BTCUSDT figures of issue 13 on a throwaway PostgreSQL: 30 days of 1-minute bars (29 generated in SQL,
/// the last day built from a day of stored trades by the same recompute the import uses), a funding snapshot a minute
/// and 2,000 liquidations. Then, with the page's own queries (<see cref="MarketQueries"/>), timed N times each:
/// the first chart (last bar, 5m candles over 3 days, liquidations, funding), every interval switch (the same for
/// 1m…1d; the largest, 1h over 30 days and 1d over everything, read all 43,200 bars), a 24 h range (bar summary,
/// largest trades, heat map from the day's trades) and the first page of its trades. Also the cost of the live bar
/// upkeep per 1,000-trade batch. Prints name=value lines.
/// Run: dotnet run -c Release --project ArbitrageEngine.Benchmarks -- market [--trades-per-day 1000000] [--runs 20]
/// </summary>
public static class MarketPageLoad
{
    private const string Symbol = "BTCUSDT";
    private const long Minute = 60_000;
    private const long Day = 86_400_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var tradesPerDay = Arg(args, "--trades-per-day", 1_000_000);
        var runs = Arg(args, "--runs", 20);
        var (root, pg) = BenchDatabase.Create("market");
        await using var cluster = pg;
        try
        {
            var cs = await BenchDatabase.StartMigratedAsync(pg);
            await using var dataSource = NpgsqlDataSource.Create(cs);
            var end = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / Day * Day) + Day; // bars up to tomorrow 00:00 UTC
            var start = end - (30 * Day);
            var lastDay = end - Day;

            // 29 days of generated bars (a slow sine around 60,000 with noise), then the last day from real stored trades.
            await ExecAsync(dataSource, $"""
                INSERT INTO market_bars_1m (dataset_id, symbol, open_ms, open, high, low, close, buy_qty, sell_qty, buy_quote, sell_quote,
                                            trades, first_agg_id, last_agg_id, max_trade_usd, whale_buy_usd, whale_sell_usd, whale_trades)
                SELECT 1, '{Symbol}', {start} + i * 60000, p, p * 1.0008, p * 0.9992, p * (1 + (random() - 0.5) * 0.001),
                       b, s, round(b * p::numeric, 6), round(s * p::numeric, 6), 600 + (random() * 600)::int, i * 1000, i * 1000 + 999,
                       p * 2, 0, 0, 0
                FROM (SELECT i, 60000 + 3000 * sin(i / 700.0) + random() * 50 AS p,
                             round((random() * 40)::numeric, 3) AS b, round((random() * 40)::numeric, 3) AS s
                      FROM generate_series(0::bigint, {(lastDay - start) / Minute} - 1) i) g
                """);
            await ExecAsync(dataSource, $"""
                INSERT INTO funding_snapshots (dataset_id, symbol, ts, mark_price, index_price, funding_rate, next_funding_time)
                SELECT 1, '{Symbol}', {start} + i * 60000, 60000, 60000, 0.0001 * sin(i / 2000.0), {start} + (i / 480 + 1) * 28800000
                FROM generate_series(0::bigint, 30 * 1440 - 1) i
                """);
            await ExecAsync(dataSource, $"""
                INSERT INTO liquidations (dataset_id, symbol, time_ms, side, price, qty, usd)
                SELECT 1, '{Symbol}', {start} + (random() * {30 * Day})::bigint, CASE WHEN random() < 0.5 THEN 'SELL' ELSE 'BUY' END, 60000, q, q * 60000
                FROM (SELECT (random() * 5)::numeric(10, 3)::float8 AS q FROM generate_series(1, 2000)) l
                """);

            var store = new AggTradeStore(dataSource, datasetId: 1);
            var bars = new MarketBarStore(dataSource, datasetId: 1);
            var random = new Random(13);
            var price = 60_000.0;
            var aggId = 100_000_000L;
            var clock = Stopwatch.StartNew();
            var batch = new List<SymbolTrade>(50_000);
            for (var i = 0; i < tradesPerDay; i++)
            {
                price = Math.Round(price * (1 + ((random.NextDouble() - 0.5) * 0.0004)), 1);
                // Heavy-tailed sizes (Pareto, alpha 1.2, from 0.001 BTC, capped at 300 BTC) as in real order flow.
                var qty = Math.Round(Math.Min(300, 0.001 * Math.Pow(1 - random.NextDouble(), -1 / 1.2)), 3);
                batch.Add(new SymbolTrade(Symbol, new AggTrade(aggId++, lastDay + (long)(i * ((double)Day / tradesPerDay)), price, qty, random.NextDouble() < 0.5)));
                if (batch.Count == batch.Capacity)
                {
                    await store.WriteAsync(batch);
                    batch.Clear();
                }
            }

            await store.WriteAsync(batch);
            var writeSeconds = clock.Elapsed.TotalSeconds;
            clock.Restart();
            var dayBars = (await bars.RecomputeDaysAsync(Symbol, lastDay, end)).Bars;
            var recomputeSeconds = clock.Elapsed.TotalSeconds;
            await ExecAsync(dataSource, "ANALYZE");

            var queries = new MarketQueries(dataSource, 1);
            Line("bars_1m", 30 * 1440);
            Line("trades_last_day", tradesPerDay);
            Line("trades_write_per_s", tradesPerDay / writeSeconds, "0");
            Line("bars_recompute_day_s", recomputeSeconds, "0.00");
            Line("bars_recompute_trades_per_s", tradesPerDay / recomputeSeconds, "0");
            Line("bars_recomputed_last_day", dayBars);

            // First chart: what MarketSymbol.razor loads on open (5m over 3 days).
            var first = await TimeAsync(runs, () => LoadChartAsync(queries, 5 * Minute, 3 * Day));
            Line("first_chart_5m_3d_ms_median", first.Median, "0.0");
            Line("first_chart_5m_3d_ms_max", first.Max, "0.0");

            // Interval switches.
            (string Name, long Ms, long Window)[] intervals =
            [
                ("1m", Minute, Day / 2), ("5m", 5 * Minute, 3 * Day), ("15m", 15 * Minute, 7 * Day),
                ("1h", 60 * Minute, 30 * Day), ("4h", 240 * Minute, 120 * Day), ("1d", Day, 730 * Day),
            ];
            var worst = 0.0;
            foreach (var (name, ms, window) in intervals)
            {
                var t = await TimeAsync(runs, () => LoadChartAsync(queries, ms, window));
                Line($"switch_{name}_ms_median", t.Median, "0.0");
                worst = Math.Max(worst, t.Max);
            }

            Line("switch_any_interval_ms_max", worst, "0.0");

            // A 24 h range: summary from bars, the largest trades and the heat map from that day's trades.
            var summary = await TimeAsync(runs, async () =>
            {
                var s = await queries.SummaryAsync(Symbol, lastDay, end);
                if (s.Trades != tradesPerDay)
                {
                    throw new InvalidOperationException($"summary counted {s.Trades} trades, stored {tradesPerDay}");
                }
            });
            var largest = await TimeAsync(runs, () => queries.LargestTradesAsync(Symbol, lastDay, end));
            var heat = await TimeAsync(runs, () => queries.HeatMapAsync(Symbol, lastDay, end));
            var heat4h = await TimeAsync(Math.Max(3, runs / 4), () => queries.HeatMapAsync(Symbol, end - (4 * 3_600_000L), end));
            var tradesPage = await TimeAsync(runs, async () =>
            {
                var range = await queries.TradeRangeAsync(Symbol, lastDay, end);
                await queries.TradesPageAsync(Symbol, range, lastDay, end, null, null, 50);
            });
            Line("range_24h_summary_ms_median", summary.Median, "0.0");
            Line("range_24h_largest_trades_ms_median", largest.Median, "0.0");
            Line("range_24h_heatmap_ms_median", heat.Median, "0.0");
            Line("range_24h_total_ms_max", summary.Max + largest.Max + heat.Max, "0.0");
            Line("range_4h_heatmap_from_trades_ms_median", heat4h.Median, "0.0");
            Line("range_24h_trades_first_page_ms_median", tradesPage.Median, "0.0");

            // Live upkeep: the writer's per-flush cost of a 1,000-trade batch (trade COPY, then the bar merge).
            var liveStart = end + Minute;
            var copy = new List<double>();
            var merge = new List<double>();
            for (var b = 0; b < 50; b++)
            {
                var live = Enumerable.Range(0, 1_000).Select(i => new SymbolTrade(Symbol, new AggTrade(aggId++, liveStart + (b * 1_000) + i, price, 0.01, i % 2 == 0))).ToList();
                clock.Restart();
                var outcome = await store.WriteAsync(live);
                copy.Add(clock.Elapsed.TotalMilliseconds);
                clock.Restart();
                await new MarketBarUpkeep(bars).AfterWriteAsync(live, outcome, CancellationToken.None);
                merge.Add(clock.Elapsed.TotalMilliseconds);
            }

            copy.Sort();
            merge.Sort();
            Line("live_batch_1000_trade_write_ms_median", copy[copy.Count / 2], "0.0");
            Line("live_batch_1000_bar_upkeep_ms_median", merge[merge.Count / 2], "0.0");
            return 0;
        }
        finally
        {
            await BenchDatabase.RemoveAsync(pg, root);
        }
    }

    private static async Task LoadChartAsync(MarketQueries queries, long intervalMs, long windowMs)
    {
        var anchor = (await queries.LastBarAsync(Symbol) ?? 0) + Minute;
        var to = anchor - (anchor % intervalMs) + intervalMs;
        var from = to - windowMs;
        var candles = await queries.CandlesAsync(Symbol, intervalMs, from, to);
        await queries.LiquidationsAsync(Symbol, from, to);
        await queries.FundingAsync(Symbol, intervalMs, from, to);
        if (candles.Count == 0)
        {
            throw new InvalidOperationException("no candles");
        }
    }

    private static async Task<(double Median, double Max)> TimeAsync(int runs, Func<Task> action)
    {
        await action(); // warm-up (JIT, pool, plan cache)
        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            await action();
            times[i] = sw.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        return (times[runs / 2], times[^1]);
    }

    private static async Task ExecAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        cmd.CommandTimeout = 600;
        await cmd.ExecuteNonQueryAsync();
    }

    private static int Arg(string[] args, string name, int fallback) =>
        args.SkipWhile(a => a != name).Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(fallback);

    private static void Line(string name, double value, string format = "0") =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}={value.ToString(format, CultureInfo.InvariantCulture)}"));
}
