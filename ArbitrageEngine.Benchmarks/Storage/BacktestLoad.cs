using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using ArbitrageEngine.Engine.Backtest;
using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Performance;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Engine.Replay;
using ArbitrageEngine.Engine.Strategies;
using Npgsql;

namespace ArbitrageEngine.Benchmarks.Storage;

/// <summary>
/// Backtest throughput (issue 11; figure names in cli.md), through the whole pipeline: stored trades read by a
/// <see cref="MarketEventReader"/>, the <see cref="BacktestRunner"/> (one engine loop, paper broker, collector,
/// statistics) and the result written (the <c>--out</c> trades file). Data: synthetic trade flows of the four
/// symbols stored by binary COPY in a throwaway cluster.
/// <list type="bullet">
/// <item><c>backtest_days_per_s</c>: 100 strategies, 30 days at 2 trades/s per symbol (+ the 24 h warm-up day before).</item>
/// <item><c>backtest_trades_per_s_pg</c>: one day at 100 trades/s per symbol, 100 strategies, no warm-up.</item>
/// <item><c>sweep_576x7d_s</c>: 576 strategies (144 per symbol: entry × TP1 × SL × timeout) over 7 days of the first dataset.</item>
/// </list>
/// The data source is a <see cref="MarketEventReader"/> chosen per dataset (<see cref="Source"/>): another store (the
/// archive) is one more line. <c>--in-memory</c> replays generated flows without PostgreSQL (engine cost only).
/// Run: dotnet run -c Release --project ArbitrageEngine.Benchmarks -- backtest [--days 30] [--rate 2] [--heavy-rate 100]
/// [--strategies 100] [--sweep-days 7] [--skip-heavy] [--skip-sweep] [--in-memory]
/// </summary>
public static class BacktestLoad
{
    private const long DayMs = EnginePerf.DayMs;

    /// <summary>Start of the stored data (a Monday, UTC midnight).</summary>
    private static readonly long Start = new DateTimeOffset(2026, 10, 5, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    public static async Task<int> RunAsync(string[] args)
    {
        var days = (int)Option(args, "--days", 30);
        var rate = Option(args, "--rate", 2);
        var heavyRate = Option(args, "--heavy-rate", 100);
        var strategies = (int)Option(args, "--strategies", 100);
        var sweepDays = (int)Option(args, "--sweep-days", 7);
        var inMemory = args.Contains("--in-memory");

        if (inMemory)
        {
            Print("backtest_days_per_s_in_memory", await DaysPerSecondAsync(Generated(rate), Dataset("mem"), days, strategies));
            if (!args.Contains("--skip-sweep"))
            {
                Print("sweep_576x7d_s_in_memory", await SweepSecondsAsync(Generated(rate), Dataset("mem"), sweepDays));
            }

            if (!args.Contains("--skip-heavy"))
            {
                Print("backtest_trades_per_s_in_memory", await TradesPerSecondAsync(Generated(heavyRate), Dataset("mem-heavy"), strategies));
            }

            return 0;
        }

        var (root, pg) = BenchDatabase.Create("backtest");
        await using var cluster = pg;
        try
        {
            var cs = await BenchDatabase.StartMigratedAsync(pg);
            await using var dataSource = NpgsqlDataSource.Create(cs);
            var catalog = new DatasetCatalog(dataSource);

            // History older than the retention lives in the archive (backtest.md §8), so the 30-day figure and the
            // sweep read it from there, as the product would; the heavy day is measured from PostgreSQL and archive.
            var archiver = new TradeArchiver(dataSource, Path.Combine(root, "archive"));
            var light = await catalog.EnsureAsync("bench-2tps", DatasetKinds.Import, null);
            var sw = Stopwatch.StartNew();
            Print("backtest_stored_trades", await FillAsync(dataSource, light, Start, (days + 1) * DayMs, rate));
            Print("backtest_ingest_seconds", sw.Elapsed.TotalSeconds);
            await VacuumAsync(dataSource);
            if (args.Contains("--also-pg"))
            {
                Print("backtest_days_per_s_pg", await DaysPerSecondAsync(Source(dataSource, light), light, days, strategies));
            }

            await ArchiveAllAsync(archiver, light, (days + 1) * DayMs, "backtest");
            // Memory must not grow with the range (the rolling window holds 24 h): the live heap of 1-, 7- and 30-day
            // runs, sampled with full collections (so not timed), then the timed run.
            foreach (var n in new[] { 1, 7, days }.Where(n => n <= days).Distinct())
            {
                await DaysPerSecondAsync(Source(dataSource, light), light, n, strategies, $"backtest_{n}d_live_heap_mb_max");
            }

            Print("backtest_days_per_s", await DaysPerSecondAsync(Source(dataSource, light), light, days, strategies));
            if (!args.Contains("--skip-sweep"))
            {
                Print("sweep_576x7d_s", await SweepSecondsAsync(Source(dataSource, light), light, sweepDays));
            }

            if (!args.Contains("--skip-heavy"))
            {
                var heavy = await catalog.EnsureAsync("bench-heavy", DatasetKinds.Import, null);
                sw.Restart();
                Print("backtest_heavy_stored_trades", await FillAsync(dataSource, heavy, Start, DayMs, heavyRate));
                Print("backtest_heavy_ingest_seconds", sw.Elapsed.TotalSeconds);
                await VacuumAsync(dataSource);
                Print("backtest_trades_per_s_pg", await TradesPerSecondAsync(Source(dataSource, heavy), heavy, strategies));
                await ArchiveAllAsync(archiver, heavy, DayMs, "backtest_heavy");
                Print("backtest_trades_per_s_archive", await TradesPerSecondAsync(Source(dataSource, heavy), heavy, strategies));
            }

            return 0;
        }
        finally
        {
            await BenchDatabase.RemoveAsync(pg, root);
        }
    }

    /// <summary>Moves every stored day of <paramref name="dataset"/> into the archive (the retention job's work).</summary>
    private static async Task ArchiveAllAsync(TradeArchiver archiver, DatasetInfo dataset, long spanMs, string prefix)
    {
        var sw = Stopwatch.StartNew();
        var moved = await archiver.ArchiveAsync(dataset, Start + spanMs);
        Print(prefix + "_archive_seconds", sw.Elapsed.TotalSeconds);
        Print(prefix + "_archive_bytes_per_trade", moved.Rows == 0 ? 0 : (double)moved.Bytes / moved.Rows);
    }

    /// <summary>Where the benchmark reads a dataset from (PostgreSQL here; the archive reader plugs in the same way).</summary>
    public static MarketEventReader Source(NpgsqlDataSource dataSource, DatasetInfo dataset) => StoredMarketEvents.For(dataSource, dataset);

    private static DatasetInfo Dataset(string name) => new(0, name, DatasetKinds.Import, null, DateTimeOffset.UnixEpoch);

    private static EngineSettings Settings => new() { Symbols = EnginePerf.Symbols };

    /// <summary><paramref name="days"/> days after a warm-up day, 100 strategies, result written: simulated days per second.</summary>
    public static async Task<double> DaysPerSecondAsync(MarketEventReader source, DatasetInfo dataset, int days, int strategies, string? peakMemoryName = null)
    {
        var request = Request(dataset, [.. EnginePerf.ManyStrategies(strategies)], Start + DayMs, Start + ((days + 1) * DayMs), DayMs);
        var (seconds, result) = await RunAndWriteAsync(source, request, peakMemoryName);
        Print($"backtest_{days}d_trades_replayed", result.TradesReplayed);
        Print($"backtest_{days}d_paper_trades", result.Trades.Count);
        Print($"backtest_{days}d_evaluations", result.Evaluations);
        return days / seconds;
    }

    /// <summary>One heavy day, no warm-up: market trades replayed per second.</summary>
    public static async Task<double> TradesPerSecondAsync(MarketEventReader source, DatasetInfo dataset, int strategies)
    {
        var request = Request(dataset, [.. EnginePerf.ManyStrategies(strategies)], Start, Start + DayMs, 0);
        var (seconds, result) = await RunAndWriteAsync(source, request);
        Print("backtest_heavy_trades_replayed", result.TradesReplayed);
        return result.TradesReplayed / seconds;
    }

    /// <summary>576 strategies (144 per symbol), 7 days after the warm-up day: seconds for the pass.</summary>
    public static async Task<double> SweepSecondsAsync(MarketEventReader source, DatasetInfo dataset, int days)
    {
        var request = Request(dataset, SweepStrategies(), Start + DayMs, Start + ((days + 1) * DayMs), DayMs);
        var (seconds, result) = await RunAndWriteAsync(source, request);
        Print("sweep_paper_trades", result.Trades.Count);
        return seconds;
    }

    /// <summary>144 per symbol: entry score × TP1 ratio × SL multiple × timeout (the size of the auto-evolve grid).</summary>
    public static IReadOnlyList<StrategyDefinition> SweepStrategies()
    {
        var list = new List<StrategyDefinition>();
        foreach (var symbol in EnginePerf.Symbols)
        {
            var baseStrategy = StrategyDefinition.CreateDefault(symbol, $"sweep-{symbol}") with { StrategyId = Guid.NewGuid() };
            var grid = new BacktestGridSpec
            {
                Ranges =
                [
                    new GridRange("entry_score") { Values = ["70", "75", "80", "85"] },
                    new GridRange("tp1_ratio") { Values = ["0.75", "1", "1.25"] },
                    new GridRange("sl_atr_multiplier") { Values = ["1.3", "1.5", "1.7"] },
                    new GridRange("timeout_minutes") { Values = ["120", "240", "360", "480"] },
                ],
            };
            list.AddRange(BacktestGrid.Expand(baseStrategy, grid).Select(c => c.Strategy));
        }

        return list;
    }

    /// <summary>The cap is lifted to the strategy count (as walk-forward and auto-evolve do), so each strategy runs as if alone.</summary>
    private static BacktestRequest Request(DatasetInfo dataset, IReadOnlyList<StrategyDefinition> strategies, long from, long to, long warmup) => new()
    {
        Strategies = strategies,
        Symbols = EnginePerf.Symbols,
        Dataset = dataset,
        FromMs = from,
        ToMs = to,
        WarmupMs = warmup,
        Paper = new PaperSettings { MaxPositions = Math.Max(100, strategies.Count) },
    };

    /// <summary>Runs and writes the trades file (the whole pipeline); returns wall seconds.</summary>
    private static async Task<(double Seconds, BacktestResult Result)> RunAndWriteAsync(MarketEventReader source, BacktestRequest request, string? peakMemoryName = null)
    {
        var file = Path.Combine(Path.GetTempPath(), $"backtest-bench-{Guid.NewGuid():N}.jsonl");
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var peak = peakMemoryName is null ? null : new LiveHeapSampler();
        try
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var result = await new BacktestRunner(Settings, source).RunAsync(request, null, CancellationToken.None);
            await using (var stream = File.Create(file))
            {
                await BacktestTradesJson.WriteAsync(result.Trades, stream);
            }

            var seconds = sw.Elapsed.TotalSeconds;
            Print("backtest_run_seconds", seconds);
            if (peak is not null)
            {
                Print(peakMemoryName!, peak.Stop() / 1_048_576.0);
            }

            // This process's CPU time (the engine, the reader's parsing and merging; not the PostgreSQL server's): on a
            // shared machine wall seconds also measure the neighbours.
            Print("backtest_run_process_cpu_seconds", (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
            Print("backtest_run_ticks", result.Ticks);
            return (seconds, result);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Stores [start, start + span) of the four synthetic flows, two symbols at a time, by the store's COPY path.</summary>
    private static async Task<long> FillAsync(NpgsqlDataSource dataSource, DatasetInfo dataset, long start, long spanMs, double tradesPerSecond)
    {
        var store = new AggTradeStore(dataSource, dataset.Id);
        await store.EnsurePartitionsAsync(start, start + spanMs);
        long written = 0;
        await Parallel.ForEachAsync(EnginePerf.Symbols, new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (symbol, ct) =>
        {
            var flow = EnginePerf.Flow(symbol, start, tradesPerSecond * 86_400);
            var batch = new List<SymbolTrade>(100_000);
            var done = false;
            while (!done)
            {
                while (batch.Count < 100_000)
                {
                    var t = flow.Next();
                    if (t.TimeMs >= start + spanMs)
                    {
                        done = true;
                        break;
                    }

                    batch.Add(new SymbolTrade(symbol, t));
                }

                Interlocked.Add(ref written, (await new AggTradeStore(dataSource, dataset.Id).WriteAsync(batch, ct)).Inserted);
                batch.Clear();
            }
        });
        return written;
    }

    private static async Task VacuumAsync(NpgsqlDataSource dataSource)
    {
        await using var vacuum = dataSource.CreateCommand("VACUUM ANALYZE agg_trades");
        vacuum.CommandTimeout = 0;
        await vacuum.ExecuteNonQueryAsync();
    }

    /// <summary>The synthetic flows generated on the fly, merged by time (no storage): the engine's own cost.</summary>
    public static MarketEventReader Generated(double tradesPerSecond) => (symbols, from, to, ct) => GenerateAsync(symbols, from, to, tradesPerSecond, ct);

    private static async IAsyncEnumerable<MarketEvent> GenerateAsync(IReadOnlyList<string> symbols, long from, long to, double tradesPerSecond, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        var flows = symbols.Select(s => (Symbol: s, Flow: EnginePerf.Flow(s, Start, tradesPerSecond * 86_400))).ToArray();
        var heads = flows.Select(f => f.Flow.Next()).ToArray();
        while (true)
        {
            var best = -1;
            for (var i = 0; i < heads.Length; i++)
            {
                if (heads[i].TimeMs < to && (best < 0 || heads[i].TimeMs < heads[best].TimeMs))
                {
                    best = i;
                }
            }

            if (best < 0)
            {
                yield break;
            }

            var t = heads[best];
            heads[best] = flows[best].Flow.Next();
            if (t.TimeMs >= from)
            {
                yield return MarketEvent.ForTrade(flows[best].Symbol, t);
            }
        }
    }

    private static double Option(string[] args, string name, double fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static void Print(string name, double value) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}={value:0.###}"));
}
