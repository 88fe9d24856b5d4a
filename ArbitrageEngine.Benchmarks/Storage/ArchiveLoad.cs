using System.Diagnostics;
using System.Globalization;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Market.Simulated;
using ArbitrageEngine.Engine.Persistence.Archive;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Engine.Replay;
using Npgsql;

namespace ArbitrageEngine.Benchmarks.Storage;

/// <summary>
/// The trade archive (issue 11 item 7): generates one day of the simulated market (the app's default source, its real
/// tick and lot sizes) for four symbols at <c>--rate</c> × the base trade rate (default 8: ≈ 100 trades/s per symbol,
/// the trade-heavy day of the issue), writes it into the archive (one Parquet file per symbol and day, recorded in a
/// throwaway cluster's manifest), then replays the day from the archive through
/// <see cref="StoredMarketEvents.For"/> (the <c>MarketEventReader</c> the backtest runner uses) and through
/// <see cref="StoredMarketReader.ReadAsync"/> (batches). Also runs the archive job's path on a slice of the data
/// (stored in PostgreSQL, archived, deleted) to check it end to end and time it. Prints name=value lines.
/// Run: dotnet run -c Release --project ArbitrageEngine.Benchmarks -- archive [--rate 8] [--runs 3] [--job-trades 500000]
/// </summary>
public static class ArchiveLoad
{
    private static readonly string[] Symbols = ["BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT"];

    public static async Task<int> RunAsync(string[] args)
    {
        var rate = Option(args, "--rate", 8.0);
        var runs = (int)Option(args, "--runs", 3);
        var jobTrades = (int)Option(args, "--job-trades", 500_000);
        var (root, pg) = BenchDatabase.Create("archive");
        await using var cluster = pg;
        try
        {
            var cs = await BenchDatabase.StartMigratedAsync(pg);
            await using var dataSource = NpgsqlDataSource.Create(cs);
            var dataset = await new DatasetCatalog(dataSource).EnsureAsync("bench-archive", DatasetKinds.Import, null);
            var archiver = new TradeArchiver(dataSource, Path.Combine(root, "archive"));
            var day = new DateOnly(2026, 11, 2);
            var start = ArchiveEntry.DayStart(day);

            long rows = 0, bytes = 0;
            var entries = new List<ArchiveEntry>();
            var write = new Stopwatch();
            foreach (var symbol in Symbols)
            {
                var trades = Generate(symbol, start, rate);
                write.Start();
                var entry = await archiver.WriteDayAsync(dataset, symbol, day, trades);
                write.Stop();
                entries.Add(entry);
                rows += entry.File.Rows;
                bytes += entry.File.Bytes;
                Print($"archive_bytes_per_trade_{symbol}", (double)entry.File.Bytes / entry.File.Rows);
            }

            Print("archive_trades", rows);
            Print("archive_bytes", bytes);
            Print("archive_bytes_per_trade", (double)bytes / rows);
            Print("archive_write_trades_per_s", rows / write.Elapsed.TotalSeconds);

            // Decoding alone, one thread: the files one after the other into one reused chunk.
            await DecodeAsync(entries);
            var decode = new List<double>();
            for (var r = 0; r < runs; r++)
            {
                var sw = Stopwatch.StartNew();
                decode.Add(await DecodeAsync(entries) / sw.Elapsed.TotalSeconds);
            }

            Print("archive_decode_one_thread_trades_per_s", Median(decode));

            var reader = StoredMarketEvents.For(dataSource, dataset);
            await ReadEventsAsync(reader, start, start + ArchiveEntry.DayMs); // warm the page cache and the JIT
            var events = new List<double>();
            var batches = new List<double>();
            for (var r = 0; r < runs; r++)
            {
                var sw = Stopwatch.StartNew();
                var n = await ReadEventsAsync(reader, start, start + ArchiveEntry.DayMs);
                events.Add(n / sw.Elapsed.TotalSeconds);
                if (n != rows)
                {
                    throw new InvalidOperationException($"read {n} trades from the archive, wrote {rows}");
                }

                sw.Restart();
                n = await ReadBatchesAsync(dataSource, dataset, start, start + ArchiveEntry.DayMs);
                batches.Add(n / sw.Elapsed.TotalSeconds);
            }

            Print("archive_read_trades_per_s", Median(events));
            Print("archive_read_batch_trades_per_s", Median(batches));
            await JobAsync(dataSource, archiver, jobTrades);
            return 0;
        }
        finally
        {
            await BenchDatabase.RemoveAsync(pg, root);
        }
    }

    /// <summary>One UTC day of one simulated symbol's trades.</summary>
    private static List<AggTrade> Generate(string symbol, long start, double rate)
    {
        var market = new SimulatedMarket(new SimulatedMarketOptions { RateMultiplier = rate, BackfillHours = 0 }, [symbol], start);
        var trades = new List<AggTrade>();
        var events = new List<MarketEvent>();
        for (var t = start + 600_000; t <= start + ArchiveEntry.DayMs; t += 600_000)
        {
            market.AdvanceTo(t, events, backfill: true);
            foreach (var e in events)
            {
                if (e.Kind == MarketEventKind.Trade && e.TimeMs < start + ArchiveEntry.DayMs)
                {
                    trades.Add(e.Trade);
                }
            }

            events.Clear();
        }

        return trades;
    }

    private static async Task<long> DecodeAsync(List<ArchiveEntry> entries)
    {
        var chunk = new AggTrade[8192];
        long n = 0;
        foreach (var e in entries)
        {
            n += await ArchiveFile.ReadAsync(e.FullPath(), e.File, long.MinValue, long.MaxValue, long.MaxValue, () => chunk, (_, _) => ValueTask.CompletedTask, CancellationToken.None);
        }

        return n;
    }

    /// <summary>Every event through the MarketEventReader delegate (one await per event), counting trades.</summary>
    private static async Task<long> ReadEventsAsync(MarketEventReader reader, long from, long to, string[]? symbols = null)
    {
        long trades = 0;
        long check = 0;
        await foreach (var e in reader(symbols ?? Symbols, from, to, CancellationToken.None))
        {
            if (e.Kind == MarketEventKind.Trade)
            {
                trades++;
                check ^= e.Trade.AggId;
            }
        }

        GC.KeepAlive(check);
        return trades;
    }

    private static async Task<long> ReadBatchesAsync(NpgsqlDataSource dataSource, DatasetInfo dataset, long from, long to)
    {
        await using var reader = await StoredMarketReader.OpenAsync(dataSource, dataset, Symbols, from, to, null, CancellationToken.None);
        var buffer = new MarketEvent[4096];
        long trades = 0;
        int n;
        while ((n = await reader.ReadAsync(buffer)) > 0)
        {
            for (var i = 0; i < n; i++)
            {
                if (buffer[i].Kind == MarketEventKind.Trade)
                {
                    trades++;
                }
            }
        }

        return trades;
    }

    /// <summary>
    /// The job's path: <paramref name="count"/> trades of a second dataset stored in PostgreSQL over two days, the
    /// first day archived (read, written, verified, recorded, deleted); then replay across the boundary must give every
    /// trade once.
    /// </summary>
    private static async Task JobAsync(NpgsqlDataSource dataSource, TradeArchiver archiver, int count)
    {
        var dataset = await new DatasetCatalog(dataSource).EnsureAsync("bench-archive-job", DatasetKinds.Import, null);
        var store = new AggTradeStore(dataSource, dataset.Id);
        var start = ArchiveEntry.DayStart(new DateOnly(2026, 11, 10));
        var trades = Generate("BTCUSDT", start, 1.0 * count / (18 * 86_400));
        var second = trades.Select(t => t with { AggId = t.AggId + trades.Count + 10, TimeMs = t.TimeMs + ArchiveEntry.DayMs }).ToList();
        foreach (var part in trades.Concat(second).Chunk(20_000))
        {
            await store.WriteAsync([.. part.Select(t => new SymbolTrade("BTCUSDT", t))]);
        }

        var sw = Stopwatch.StartNew();
        var result = await archiver.ArchiveAsync(dataset, start + ArchiveEntry.DayMs);
        Print("archive_job_trades", result.Rows);
        Print("archive_job_trades_per_s", result.Rows / sw.Elapsed.TotalSeconds);
        var replayed = await ReadEventsAsync(StoredMarketEvents.For(dataSource, dataset), start, start + (2 * ArchiveEntry.DayMs), ["BTCUSDT"]);
        if (replayed != trades.Count + second.Count || result.DeletedRows != trades.Count)
        {
            throw new InvalidOperationException($"job: archived {result.Rows}, deleted {result.DeletedRows}, replayed {replayed} of {trades.Count + second.Count}");
        }
    }

    private static double Option(string[] args, string name, double fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static void Print(string name, double value) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}={value:0.###}"));
}
