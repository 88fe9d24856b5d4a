extern alias web;

using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Performance;
using web::ArbitrageEngine.Web.Persistence;
using ArbitrageEngine.Engine.Persistence.Local;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Engine.State;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ArbitrageEngine.Benchmarks.Storage;

/// <summary>
/// Replay from PostgreSQL (issue 10): stores two days of four symbols (≈3.9 M trades a day, written in 20,000-trade
/// batches that alternate between symbols, as the live writer interleaves them) in a throwaway cluster, then replays
/// one day and two days through <see cref="StoredMarketReader"/> — per-symbol binary COPY in parallel, merged in
/// event time — applying every trade to a <see cref="SymbolState"/> (engine only, no strategies). Prints name=value
/// lines: the peak live managed heap over one and two days (untimed runs; the read-ahead is bounded, so two days
/// must not need more than one; with trades applied the heap also holds the engine's 24 h windows), then trades/s read
/// and applied (median of the runs), read only, and through the <see cref="StoredMarketSource"/> channel.
/// Run: dotnet run -c Release --project ArbitrageEngine.Benchmarks -- replay-pg [--trades-per-day N] [--runs 3]
/// </summary>
public static class ReplayPgLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var perDay = Option(args, "--trades-per-day", 975_000);
        var runs = Option(args, "--runs", 3);
        var (root, pg) = BenchDatabase.Create("replay");
        await using var cluster = pg;
        try
        {
            var cs = await BenchDatabase.StartMigratedAsync(pg);

            await using var dataSource = NpgsqlDataSource.Create(cs);
            var dataset = await new DatasetCatalog(dataSource).EnsureAsync("bench", DatasetKinds.Import, null);
            var start = new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
            var sw = Stopwatch.StartNew();
            var stored = await FillAsync(new AggTradeStore(dataSource, dataset.Id), start, 2 * EnginePerf.DayMs, perDay);
            Print("replay_pg_stored_trades", stored);
            Print("replay_pg_ingest_seconds", sw.Elapsed.TotalSeconds);
            await using (var vacuum = dataSource.CreateCommand("VACUUM ANALYZE agg_trades"))
            {
                vacuum.CommandTimeout = 0;
                await vacuum.ExecuteNonQueryAsync();
            }

            // Warm the cache and the JIT once; then the median of the runs.
            await ReplayAsync(dataSource, dataset, start, start + EnginePerf.DayMs, apply: true);
            // Memory (untimed): peak live heap reading only, and reading + applying, over one and two days.
            Print("replay_pg_read_only_peak_managed_mb_1d", (await ReplayAsync(dataSource, dataset, start, start + EnginePerf.DayMs, apply: false, gcEvery: 500_000)).PeakMb);
            Print("replay_pg_read_only_peak_managed_mb_2d", (await ReplayAsync(dataSource, dataset, start, start + (2 * EnginePerf.DayMs), apply: false, gcEvery: 500_000)).PeakMb);
            Print("replay_pg_peak_managed_mb_1d", (await ReplayAsync(dataSource, dataset, start, start + EnginePerf.DayMs, apply: true, gcEvery: 500_000)).PeakMb);
            Print("replay_pg_peak_managed_mb_2d", (await ReplayAsync(dataSource, dataset, start, start + (2 * EnginePerf.DayMs), apply: true, gcEvery: 500_000)).PeakMb);

            var oneDay = new List<(double PerSecond, long Trades, double PeakMb)>();
            var twoDays = new List<(double PerSecond, long Trades, double PeakMb)>();
            var channel = new List<double>();
            var readOnly = new List<(double PerSecond, long Trades, double PeakMb)>();
            for (var r = 0; r < runs; r++)
            {
                readOnly.Add(await ReplayAsync(dataSource, dataset, start, start + EnginePerf.DayMs, apply: false));
                oneDay.Add(await ReplayAsync(dataSource, dataset, start, start + EnginePerf.DayMs, apply: true));
                twoDays.Add(await ReplayAsync(dataSource, dataset, start, start + (2 * EnginePerf.DayMs), apply: true));
                channel.Add(await ReplayThroughChannelAsync(dataSource, dataset, start, start + EnginePerf.DayMs));
            }

            Print("replay_pg_trades_1d", oneDay[0].Trades);
            Print("replay_pg_trades_per_s", Median(oneDay.Select(x => x.PerSecond)));
            Print("replay_pg_read_only_trades_per_s", Median(readOnly.Select(x => x.PerSecond)));
            Print("replay_pg_channel_trades_per_s", Median(channel));
            Print("replay_pg_2d_trades_per_s", Median(twoDays.Select(x => x.PerSecond)));
            return 0;
        }
        finally
        {
            await BenchDatabase.RemoveAsync(pg, root);
        }
    }

    private static async Task<long> FillAsync(AggTradeStore store, long start, long spanMs, double perDay)
    {
        var flows = EnginePerf.Symbols.Select(s => (Symbol: s, Flow: EnginePerf.Flow(s, start, perDay))).ToArray();
        long written = 0;
        var batch = new List<SymbolTrade>(20_000);
        var done = new bool[flows.Length];
        while (!done.All(d => d))
        {
            for (var i = 0; i < flows.Length; i++)
            {
                var (symbol, flow) = flows[i];
                while (!done[i] && batch.Count < 20_000)
                {
                    var t = flow.Next();
                    if (t.TimeMs >= start + spanMs)
                    {
                        done[i] = true;
                        break;
                    }

                    batch.Add(new SymbolTrade(symbol, t));
                }

                written += (await store.WriteAsync(batch)).Inserted;
                batch.Clear();
            }
        }

        return written;
    }

    /// <summary>
    /// Reads [from, to) and (optionally) applies every trade to its symbol's state; returns trades/s, trades and, when
    /// <paramref name="gcEvery"/> &gt; 0, the peak live managed heap: a full collection every that many trades (and at the
    /// end, with the reader and the states still alive) measures what is really held, not garbage awaiting collection.
    /// Memory runs are separate from timed runs.
    /// </summary>
    private static async Task<(double PerSecond, long Trades, double PeakMb)> ReplayAsync(NpgsqlDataSource dataSource, DatasetInfo dataset, long from, long to, bool apply, long gcEvery = 0)
    {
        var states = EnginePerf.Symbols.ToDictionary(s => s, s => new SymbolState(s, new EngineSettings { Symbols = [s] }), StringComparer.Ordinal);
        long peak = 0;
        var nextGc = gcEvery;
        if (gcEvery > 0)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        }

        var sw = Stopwatch.StartNew();
        await using var reader = await StoredMarketReader.OpenAsync(dataSource, dataset, EnginePerf.Symbols, from, to, null, CancellationToken.None);
        var buffer = new MarketEvent[4096];
        long trades = 0;
        int n;
        SymbolState? last = null;
        while ((n = await reader.ReadAsync(buffer)) > 0)
        {
            for (var i = 0; i < n; i++)
            {
                ref readonly var e = ref buffer[i];
                if (e.Kind != MarketEventKind.Trade)
                {
                    continue;
                }

                trades++;
                if (apply)
                {
                    // Consecutive trades mostly share a symbol: skip the lookup then.
                    if (last is null || !ReferenceEquals(last.Symbol, e.Symbol))
                    {
                        last = states[e.Symbol];
                    }

                    last.Apply(e.Trade);
                }
            }

            if (gcEvery > 0 && trades >= nextGc)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
                nextGc += gcEvery;
            }
        }

        var seconds = sw.Elapsed.TotalSeconds;
        if (gcEvery > 0)
        {
            peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
        }

        GC.KeepAlive(states);
        return (trades / seconds, trades, peak / 1_048_576.0);
    }

    /// <summary>The same day through <see cref="StoredMarketSource"/> and a bounded channel, as an engine loop would consume it.</summary>
    private static async Task<double> ReplayThroughChannelAsync(NpgsqlDataSource dataSource, DatasetInfo dataset, long from, long to)
    {
        var states = EnginePerf.Symbols.ToDictionary(s => s, s => new SymbolState(s, new EngineSettings { Symbols = [s] }), StringComparer.Ordinal);
        var channel = Channel.CreateBounded<MarketEvent>(new BoundedChannelOptions(65_536) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        var source = new StoredMarketSource(dataSource, dataset, EnginePerf.Symbols, from, to);
        var sw = Stopwatch.StartNew();
        var run = source.RunAsync(channel.Writer, CancellationToken.None);
        long trades = 0;
        var reader = channel.Reader;
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var e))
            {
                if (e.Kind == MarketEventKind.Trade)
                {
                    trades++;
                    states[e.Symbol].Apply(e.Trade);
                }
            }
        }

        await run;
        return trades / sw.Elapsed.TotalSeconds;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private static int Option(string[] args, string name, int fallback) =>
        args.SkipWhile(a => a != name).Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(fallback);

    private static void Print(string name, double value) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}={value:0.###}"));
}
