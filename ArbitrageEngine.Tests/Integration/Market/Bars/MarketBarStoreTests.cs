using System.Globalization;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Cli;
using ArbitrageEngine.Web.Market;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace ArbitrageEngine.Tests.Integration.Market.Bars;

[Collection(PostgresCollection.Name)]
public sealed class MarketBarStoreTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly string RealEthCsv = ArbitrageEngine.Tests.Engine.TestData.SharedPath("real-data/ETHUSDT-aggTrades-2023-02-02-sample.csv");
    private static readonly long T0 = new DateTimeOffset(2026, 11, 2, 10, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private string _connectionString = null!;
    private NpgsqlDataSource _dataSource = null!;
    private AggTradeStore _store = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await postgres.CreateMigratedDatabaseAsync("bars");
        _dataSource = NpgsqlDataSource.Create(_connectionString);
        _store = new AggTradeStore(_dataSource, datasetId: 1);
    }

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    // Minute 0: buy 1 @ 100, whale sell 1,500 @ 105 (157,500 USD), buy 0.5 @ 98. Minute 1: sell 3 @ 101, buy 1 @ 102.
    // Minute 5 (a later 5-minute candle): buy 2 @ 110.
    private static readonly AggTrade[] Known =
    [
        new(1, T0 + 1_000, 100, 1, false),
        new(2, T0 + 20_000, 105, 1_500, true),
        new(3, T0 + 50_000, 98, 0.5, false),
        new(4, T0 + 65_000, 101, 3, true),
        new(5, T0 + 90_000, 102, 1, false),
        new(6, T0 + 300_500, 110, 2, false),
    ];

    private sealed record BarRow(long OpenMs, double Open, double High, double Low, double Close, decimal BuyQty, decimal SellQty, decimal BuyQuote, decimal SellQuote,
        long Trades, decimal Cvd, decimal VwapNum, long FirstId, long LastId, double MaxUsd, decimal WhaleBuy, decimal WhaleSell, int WhaleTrades);

    private async Task<List<BarRow>> Bars(string symbol = "BTCUSDT", int dataset = 1)
    {
        await using var cmd = _dataSource.CreateCommand("""
            SELECT open_ms, open, high, low, close, buy_qty, sell_qty, buy_quote, sell_quote, trades, cvd_delta, vwap_num,
                   first_agg_id, last_agg_id, max_trade_usd, whale_buy_usd, whale_sell_usd, whale_trades
            FROM market_bars_1m WHERE dataset_id = $1 AND symbol = $2 ORDER BY open_ms
            """);
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = dataset });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
        var rows = new List<BarRow>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            rows.Add(new BarRow(r.GetInt64(0), r.GetDouble(1), r.GetDouble(2), r.GetDouble(3), r.GetDouble(4), r.GetDecimal(5), r.GetDecimal(6), r.GetDecimal(7), r.GetDecimal(8),
                r.GetInt64(9), r.GetDecimal(10), r.GetDecimal(11), r.GetInt64(12), r.GetInt64(13), r.GetDouble(14), r.GetDecimal(15), r.GetDecimal(16), r.GetInt32(17)));
        }

        return rows;
    }

    private async Task WriteThroughWriterAsync(IEnumerable<AggTrade> trades, int batchSize)
    {
        var writer = new AggTradeWriter(_store, new AggTradeWriterOptions { BatchSize = batchSize });
        foreach (var t in trades)
        {
            writer.Enqueue("BTCUSDT", t);
        }

        Assert.True(await writer.FlushAsync(CancellationToken.None));
        Assert.Equal(0, writer.Bars!.Failures);
    }

    [Fact]
    public async Task AggTradeWriter_KnownTradesInSeveralBatches_EveryBarFieldAt1mAnd5m()
    {
        // Batches of 2 split minute 0 across two flushes: the second merge must keep the first open and take the later close.
        await WriteThroughWriterAsync(Known, batchSize: 2);

        var bars = await Bars();

        Assert.Equal(3, bars.Count);
        Assert.Equal(new BarRow(T0, 100, 105, 98, 98, 1.5m, 1500m, 149m, 157_500m, 3, -1498.5m, 157_649m, 1, 3, 157_500, 0m, 157_500m, 1), bars[0]);
        Assert.Equal(new BarRow(T0 + 60_000, 101, 102, 101, 102, 1m, 3m, 102m, 303m, 2, -2m, 405m, 4, 5, 303, 0m, 0m, 0), bars[1]);
        Assert.Equal(new BarRow(T0 + 300_000, 110, 110, 110, 110, 2m, 0m, 220m, 0m, 1, 2m, 220m, 6, 6, 220, 0m, 0m, 0), bars[2]);

        var candles = await new MarketQueries(_dataSource, 1).CandlesAsync("BTCUSDT", 300_000, T0 - 300_000, T0 + 600_000);
        Assert.Equal(
            [new MarketCandle(T0, 100, 105, 98, 102, 2.5, 1503, 251, 157_803, 5), new MarketCandle(T0 + 300_000, 110, 110, 110, 110, 2, 0, 220, 0, 1)],
            candles);
        Assert.Equal(-1500.5, candles[0].CvdDelta, 9);
        Assert.Equal(158_054.0 / 1505.5, candles[0].Vwap, 9);

        var summary = await new MarketQueries(_dataSource, 1).SummaryAsync("BTCUSDT", T0, T0 + 360_000);
        Assert.Equal((6L, 4.5m, 1503m, -1498.5m), (summary.Trades, summary.BuyQty, summary.SellQty, summary.Cvd));
        Assert.Equal(158_274m / 1507.5m, summary.Vwap);
        Assert.Equal((0m, 157_500m, 1L, -1.0), (summary.WhaleBuyUsd, summary.WhaleSellUsd, summary.WhaleTrades, summary.WhaleRatio));
        Assert.Equal((100.0, 110.0, 98.0, 110.0), (summary.Open, summary.High, summary.Low, summary.Close));
    }

    [Fact]
    public async Task AggTradeWriter_SameTradesFedAgainAndOverlapping_ChangesNothing()
    {
        await WriteThroughWriterAsync(Known, batchSize: 100);
        var before = await Bars();

        await WriteThroughWriterAsync(Known, batchSize: 100);                  // an exact replay: nothing inserted
        await WriteThroughWriterAsync(Known.Reverse(), batchSize: 3);          // out of order: the merge path
        await WriteThroughWriterAsync([Known[3], Known[4], Known[5]], batchSize: 100);

        Assert.Equal(before, await Bars());
    }

    [Fact]
    public async Task AggTradeWriter_PartlyNewBatch_RecomputesTouchedMinutesFromStoredTrades()
    {
        await WriteThroughWriterAsync(Known[..3], batchSize: 100);
        // Trades 2 and 3 are stored already, 4-6 are new: duplicates in the batch must not be counted, new ones must.
        await WriteThroughWriterAsync(Known[1..], batchSize: 100);
        var incremental = await Bars();

        await using (var clear = _dataSource.CreateCommand("DELETE FROM market_bars_1m"))
        {
            await clear.ExecuteNonQueryAsync();
        }

        await new MarketBarStore(_dataSource, 1).RebuildAsync("BTCUSDT");

        Assert.Equal(await Bars(), incremental);
        Assert.Equal(6, incremental.Sum(b => b.Trades));
    }

    [Fact]
    public async Task RebuildAsync_AfterBarsLostOrStale_RestoresTheSameBars()
    {
        await WriteThroughWriterAsync(Known, batchSize: 100);
        var expected = await Bars();
        await using (var damage = _dataSource.CreateCommand(
            $"UPDATE market_bars_1m SET buy_qty = buy_qty * 2, trades = 99 WHERE open_ms = {T0}"))
        {
            await damage.ExecuteNonQueryAsync();
        }

        await using (var stray = _dataSource.CreateCommand(
            $"DELETE FROM market_bars_1m WHERE open_ms = {T0 + 60_000}"))
        {
            await stray.ExecuteNonQueryAsync();
        }

        var (bars, days, archived) = await new MarketBarStore(_dataSource, 1).RebuildAsync("BTCUSDT");

        Assert.Equal((3L, 1, 0), (bars, days, archived));
        Assert.Equal(expected, await Bars());
    }

    [Fact]
    public async Task RebuildAsync_DayInTheArchive_KeepsItsBars()
    {
        // Day 1 (T0's) goes to the archive; day 2 stays in PostgreSQL.
        var nextDay = new AggTrade(7, T0 + 86_400_000, 120, 1, false);
        await WriteThroughWriterAsync([.. Known, nextDay], batchSize: 100);
        var expected = await Bars();
        var dataset = (await new DatasetCatalog(_dataSource).ListAsync()).Single(d => d.Id == 1);
        var root = Path.Combine(Path.GetTempPath(), "bars-archive-" + Guid.NewGuid().ToString("N"));
        try
        {
            var moved = await new TradeArchiver(_dataSource, root).ArchiveAsync(dataset, ArchiveEntryDayEnd(T0));
            Assert.Equal(Known.Length, moved.Rows);

            var (bars, days, archived) = await new MarketBarStore(_dataSource, 1).RebuildAsync("BTCUSDT");

            Assert.Equal((1L, 1, 1), (bars, days, archived));
            Assert.Equal(expected, await Bars());

            // The live upkeep's recompute (a late row of an archived day) leaves the archived minutes alone too.
            Assert.Equal(0, await new MarketBarStore(_dataSource, 1).RecomputeAsync("BTCUSDT", T0, T0 + 120_000));
            Assert.Equal(expected, await Bars());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static long ArchiveEntryDayEnd(long timeMs) => ArbitrageEngine.Engine.Persistence.Archive.ArchiveEntry.DayStart(ArbitrageEngine.Engine.Persistence.Archive.ArchiveEntry.DayOf(timeMs)) + 86_400_000;

    [Fact]
    public async Task CatchUpAsync_TradesStoredAfterNewestBar_BuildsTheirBars()
    {
        await WriteThroughWriterAsync(Known[..3], batchSize: 100);
        // Trades committed without their bar update (a crash between the two): written by the store directly.
        await _store.WriteAsync([.. Known[3..].Select(t => new SymbolTrade("BTCUSDT", t))]);
        Assert.Single(await Bars());

        await new MarketBarUpkeep(new MarketBarStore(_dataSource, 1)).CatchUpAsync(CancellationToken.None);

        Assert.Equal([T0, T0 + 60_000, T0 + 300_000], (await Bars()).Select(b => b.OpenMs));
        Assert.Equal(6, (await Bars()).Sum(b => b.Trades));
    }

    [Fact]
    public async Task AfterWriteAsync_BarUpdateFails_RecomputesTheMinutesAtTheNextFlush()
    {
        var writer = new AggTradeWriter(_store, new AggTradeWriterOptions { BatchSize = 100 });
        await _store.EnsurePartitionsAsync(T0, T0);
        await using (var off = _dataSource.CreateCommand("ALTER TABLE market_bars_1m RENAME TO market_bars_offline"))
        {
            await off.ExecuteNonQueryAsync();
        }

        foreach (var t in Known[..3])
        {
            writer.Enqueue("BTCUSDT", t);
        }

        Assert.True(await writer.FlushAsync(CancellationToken.None)); // the trades are stored even though the bars failed
        Assert.Equal(1, writer.Bars!.Failures);
        await using (var on = _dataSource.CreateCommand("ALTER TABLE market_bars_offline RENAME TO market_bars_1m"))
        {
            await on.ExecuteNonQueryAsync();
        }

        foreach (var t in Known[3..])
        {
            writer.Enqueue("BTCUSDT", t);
        }

        Assert.True(await writer.FlushAsync(CancellationToken.None));

        var bars = await Bars();
        Assert.Equal(6, bars.Sum(b => b.Trades));
        Assert.Equal(0, writer.Bars.DirtySymbols);
    }

    [Fact]
    public async Task ImportVerb_RealEthCsv_BarsMatchCsvTotalsExactly()
    {
        // Totals straight from the CSV text, in decimal: what the bars must reproduce to the last digit.
        decimal buy = 0, sell = 0, quote = 0;
        long rows = 0;
        foreach (var line in File.ReadLines(RealEthCsv).Skip(1))
        {
            var f = line.Split(',');
            var price = decimal.Parse(f[1], CultureInfo.InvariantCulture);
            var qty = decimal.Parse(f[2], CultureInfo.InvariantCulture);
            if (qty == 0)
            {
                continue;
            }

            rows++;
            quote += price * qty;
            if (f[6] == "true")
            {
                sell += qty;
            }
            else
            {
                buy += qty;
            }
        }

        await RunImportAsync();
        await RunImportAsync(); // a re-import changes nothing

        await using var dataSource = NpgsqlDataSource.Create(_connectionString);
        var dataset = (await new DatasetCatalog(dataSource).FindAsync("real-eth"))!;
        var queries = new MarketQueries(dataSource, dataset.Id);
        var summary = await queries.SummaryAsync("ETHUSDT", 0, long.MaxValue / 2);

        Assert.Equal(rows, summary.Trades);
        Assert.Equal(buy, summary.BuyQty);
        Assert.Equal(sell, summary.SellQty);
        Assert.Equal(quote, summary.BuyQuote + summary.SellQuote);
        Assert.Equal(quote / (buy + sell), summary.Vwap);
        Assert.Equal(buy - sell, summary.Cvd);

        // And rebuild-bars reproduces them.
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        Assert.Equal(0, await new RebuildBarsVerb(Open, output, TextWriter.Null).RunAsync(CliArguments.Parse(["--dataset", "real-eth", "--symbol", "ethusdt"])));
        Assert.Matches(@"^datasets=1 symbols=1 bars=\d+ days=1 archived_days_kept=0 seconds=[\d.]+$", output.ToString().Trim());
        Assert.Equal(summary, await queries.SummaryAsync("ETHUSDT", 0, long.MaxValue / 2));
    }

    [Fact]
    public async Task RebuildBarsVerb_UnknownDatasetOrSymbol_OneLineError()
    {
        var unknownDataset = await Assert.ThrowsAsync<CliException>(() => new RebuildBarsVerb(Open, TextWriter.Null, TextWriter.Null).RunAsync(CliArguments.Parse(["--dataset", "nope"])));
        var badSymbol = await Assert.ThrowsAsync<CliException>(() => new RebuildBarsVerb(Open, TextWriter.Null, TextWriter.Null).RunAsync(CliArguments.Parse(["--symbol", "BTC-USDT"])));
        var missing = await Assert.ThrowsAsync<CliException>(() => new RebuildBarsVerb(Open, TextWriter.Null, TextWriter.Null).RunAsync(CliArguments.Parse(["--symbol", "DOGEUSDT"])));

        Assert.StartsWith("dataset 'nope' does not exist", unknownDataset.Message);
        Assert.Equal("--symbol 'BTC-USDT' must be letters and digits, e.g. BTCUSDT", badSymbol.Message);
        Assert.Equal("no dataset has trades of DOGEUSDT", missing.Message);
    }

    private async Task RunImportAsync()
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        Assert.Equal(0, await new ImportVerb(Open, output, TextWriter.Null).RunAsync(CliArguments.Parse(["--symbol", "ETHUSDT", "--dataset", "real-eth", RealEthCsv])));
    }

    private Task<CliDatabase> Open(CancellationToken _) => Task.FromResult(new CliDatabase
    {
        ConnectionString = _connectionString,
        Configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Market:Source"] = "Simulated" }).Build(),
    });
}
