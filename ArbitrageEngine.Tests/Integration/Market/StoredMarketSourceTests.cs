using System.Threading.Channels;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Tests.Infrastructure;
using Npgsql;

namespace ArbitrageEngine.Tests.Integration.Market;

[Collection(PostgresCollection.Name)]
public sealed class StoredMarketSourceTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly long Oct2026 = new DateTimeOffset(2026, 10, 7, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private static readonly long EndOfOctober = new DateTimeOffset(2026, 10, 31, 23, 59, 59, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private NpgsqlDataSource _dataSource = null!;
    private DatasetCatalog _catalog = null!;
    private DatasetInfo _dataset = null!;

    public async Task InitializeAsync()
    {
        _dataSource = NpgsqlDataSource.Create(await postgres.CreateMigratedDatabaseAsync("replay"));
        _catalog = new DatasetCatalog(_dataSource);
        _dataset = await _catalog.EnsureAsync("replay-test", DatasetKinds.Import, null);
    }

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    private static readonly StoredMarketSourceOptions Tiny = new() { ChunkTrades = 7, ChunkFeatures = 3, ChunksAhead = 1 };

    /// <summary>Trades of a symbol: ids from <paramref name="firstId"/>, times from <paramref name="startMs"/> every <paramref name="stepMs"/> (several per ms when step is 0 every other trade).</summary>
    private static List<SymbolTrade> Trades(string symbol, long firstId, int count, long startMs, long stepMs, double price) =>
        Enumerable.Range(0, count)
            .Select(i => new SymbolTrade(symbol, new AggTrade(firstId + i, startMs + (i / 2 * stepMs), price + (i * 0.5), 0.001 * (i + 1), i % 3 == 0)))
            .ToList();

    private async Task<List<MarketEvent>> RunAsync(StoredMarketSource source)
    {
        var channel = Channel.CreateBounded<MarketEvent>(64);
        var run = source.RunAsync(channel.Writer, CancellationToken.None);
        var events = new List<MarketEvent>();
        await foreach (var e in channel.Reader.ReadAllAsync())
        {
            events.Add(e);
        }

        await run;
        return events;
    }

    private static int KindRank(MarketEvent e) => e.Kind == MarketEventKind.Feature ? 0 : 1;

    [Fact]
    public async Task RunAsync_ThreeSymbolsWithFeatures_MergesByTimeFeaturesFirstThenSymbolOrdinalAndCompletes()
    {
        var store = new AggTradeStore(_dataSource, _dataset.Id);
        var data = new MarketDataStore(_dataSource, _dataset.Id);
        // Equal times across symbols (steps 10 and 20 ms from the same start) and two trades per millisecond.
        var trades = Trades("XRPUSDT", 500, 60, Oct2026, 10, 0.6)
            .Concat(Trades("BTCUSDT", 9_000, 50, Oct2026, 20, 60_000))
            .Concat(Trades("ETHUSDT", 100, 40, Oct2026 + 5, 10, 3_000))
            .ToList();
        await store.WriteAsync(trades);
        var features = new List<MarketEvent>();
        for (var i = 0; i < 12; i++)
        {
            // Feature times coincide with trade times of every symbol.
            features.Add(MarketEvent.ForFeature("BTCUSDT", FeatureKey.ObiDepth10, 0.01 * i, Oct2026 + (i * 20)));
            features.Add(MarketEvent.ForFeature("ETHUSDT", FeatureKey.FundingRate, i % 4 == 0 ? null : 0.0001 * i, Oct2026 + 5 + (i * 10)));
            features.Add(MarketEvent.ForFeature("XRPUSDT", FeatureKey.LongShortRatio, 1 + (0.1 * i), Oct2026 + (i * 20)));
        }

        await data.WriteAsync(features);
        // A trade and a feature outside [from, to) and in another dataset must not appear.
        await new AggTradeStore(_dataSource, (await _catalog.EnsureAsync("other", DatasetKinds.Import, null)).Id).WriteAsync(Trades("BTCUSDT", 9_000, 50, Oct2026, 20, 1));
        var from = Oct2026;
        var to = Oct2026 + 300;

        var events = await RunAsync(new StoredMarketSource(_dataSource, _dataset, ["XRPUSDT", "BTCUSDT", "ETHUSDT"], from, to, Tiny));

        var expected = trades.Select(t => MarketEvent.ForTrade(t.Symbol, t.Trade))
            .Concat(features)
            .Where(e => e.TimeMs >= from && e.TimeMs < to)
            .Select((e, seq) => (e, seq))
            .OrderBy(x => x.e.TimeMs).ThenBy(x => KindRank(x.e)).ThenBy(x => x.e.Symbol, StringComparer.Ordinal).ThenBy(x => x.seq)
            .Select(x => x.e)
            .ToList();
        Assert.Equal(expected.Count, events.Count);
        Assert.Equal(expected, events);
        Assert.Contains(events, e => e.Kind == MarketEventKind.Feature && e.Value is null);
        Assert.All(events.Where(e => e.Kind == MarketEventKind.Trade).GroupBy(e => e.Symbol), g =>
            Assert.Equal(g.Select(e => e.Trade.AggId).Order(), g.Select(e => e.Trade.AggId)));
    }

    [Fact]
    public async Task RunAsync_FeatureValues_RoundTripExactly()
    {
        double?[] values = [0.1 + 0.2, 1.0 / 3, 123_456.789_012_345_67, -0.000_012_345_678_901_234_567, double.Epsilon, double.MaxValue, -1e-300, null, 0];
        await new AggTradeStore(_dataSource, _dataset.Id).WriteAsync(Trades("SOLUSDT", 1, 2, Oct2026, 1, 150));
        await new MarketDataStore(_dataSource, _dataset.Id).WriteAsync(
            values.Select((v, i) => MarketEvent.ForFeature("SOLUSDT", FeatureKeys.All[i], v, Oct2026 + i)).ToList());

        var events = await RunAsync(new StoredMarketSource(_dataSource, _dataset, ["SOLUSDT"], Oct2026, Oct2026 + 100));
        var latest = await new FeatureHistoryStore(_dataSource, _dataset.Id).LatestAsync(["SOLUSDT"], Oct2026 + 100);

        var replayed = events.Where(e => e.Kind == MarketEventKind.Feature).ToList();
        Assert.Equal(values.Length, replayed.Count);
        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(FeatureKeys.All[i], replayed[i].Feature);
            Assert.Equal(values[i] is { } v ? BitConverter.DoubleToInt64Bits(v) : (long?)null, replayed[i].Value is { } r ? BitConverter.DoubleToInt64Bits(r) : (long?)null);
            var last = Assert.Single(latest, l => l.Key == FeatureKeys.All[i]);
            Assert.Equal(values[i], last.Value);
        }
    }

    [Fact]
    public async Task RunAsync_RangeAcrossMonthPartitions_ReadsInAggIdOrderWithoutSort()
    {
        var store = new AggTradeStore(_dataSource, _dataset.Id);
        var written = Trades("ETHUSDT", 1_000, 400, EndOfOctober - 1_000, 20, 3_000);
        await store.WriteAsync(written.AsEnumerable().Reverse().ToList());

        var events = await RunAsync(new StoredMarketSource(_dataSource, _dataset, ["ETHUSDT"], EndOfOctober - 500, EndOfOctober + 1_500, Tiny));
        await using var conn = await _dataSource.OpenConnectionAsync();
        var range = await AggTradeCopy.RangeAsync(conn, _dataset.Id, "ETHUSDT", EndOfOctober - 500, EndOfOctober + 1_500, CancellationToken.None);
        await using var tx = await conn.BeginTransactionAsync();
        await using (var settings = new NpgsqlCommand(AggTradeCopy.KeyOrderSettings, conn, tx))
        {
            await settings.ExecuteNonQueryAsync();
        }

        await using var explain = new NpgsqlCommand("EXPLAIN " + AggTradeCopy.SelectSql(_dataset.Id, "ETHUSDT", range, EndOfOctober - 500, EndOfOctober + 1_500), conn, tx);
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        var expected = written.Where(t => t.Trade.TimeMs >= EndOfOctober - 500 && t.Trade.TimeMs < EndOfOctober + 1_500).Select(t => t.Trade).ToList();
        Assert.Equal(expected, events.Select(e => e.Trade));
        Assert.DoesNotContain(plan, line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^\s*(->\s+)?(Incremental )?Sort\s+\("));
        Assert.Contains(plan, line => line.Contains("Merge Append", StringComparison.Ordinal));
        Assert.Contains(plan, line => line.Contains("agg_trades_2026_10", StringComparison.Ordinal));
        Assert.Contains(plan, line => line.Contains("agg_trades_2026_11", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadAsync_SlowConsumer_ReadAheadStaysBounded()
    {
        var store = new AggTradeStore(_dataSource, _dataset.Id);
        for (var b = 0; b < 4; b++)
        {
            await store.WriteAsync(Trades("BTCUSDT", 1 + (b * 5_000), 5_000, Oct2026 + (b * 25_000), 10, 60_000));
        }

        var options = new StoredMarketSourceOptions { ChunkTrades = 100, ChunksAhead = 2 };
        await using var reader = await StoredMarketReader.OpenAsync(_dataSource, _dataset, ["BTCUSDT"], Oct2026, Oct2026 + 200_000, options, CancellationToken.None);
        var buffer = new MarketEvent[50];
        long total = 0;
        int n;
        await Task.Delay(500); // the producer runs ahead until its queue is full
        var allocatedWhileWaiting = reader.MaxChunksAllocated;
        while ((n = await reader.ReadAsync(buffer)) > 0)
        {
            total += n;
        }

        Assert.Equal(20_000, total);
        Assert.Equal(20_000, reader.Trades);
        Assert.InRange(allocatedWhileWaiting, 1, options.ChunksAhead + 3);
        Assert.InRange(reader.MaxChunksAllocated, 1, options.ChunksAhead + 3);
    }

    [Fact]
    public async Task RunAsync_RangeWithoutTrades_ThrowsNamingTheStoredRangePerSymbol()
    {
        await new AggTradeStore(_dataSource, _dataset.Id).WriteAsync(Trades("BTCUSDT", 1, 10, Oct2026, 1_000, 60_000));
        var january = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var channel = Channel.CreateUnbounded<MarketEvent>();

        var ex = await Assert.ThrowsAsync<ReplayRangeException>(() =>
            new StoredMarketSource(_dataSource, _dataset, ["BTCUSDT", "SOLUSDT"], january, january + 3_600_000).RunAsync(channel.Writer, CancellationToken.None));

        Assert.Contains("no trades of BTCUSDT, SOLUSDT in [2027-01-01T00:00:00.000Z, 2027-01-01T01:00:00.000Z)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("BTCUSDT 2026-10-07T00:00:00.000Z – 2026-10-07T00:00:04.000Z (10 trades)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("SOLUSDT none", ex.Message, StringComparison.Ordinal);
        Assert.True(channel.Reader.Completion.IsCompleted);
        Assert.False(channel.Reader.TryRead(out _));
    }

    [Fact]
    public async Task CreateAsync_UnknownDataset_ThrowsListingExistingDatasets()
    {
        var ex = await Assert.ThrowsAsync<DatasetNotFoundException>(() =>
            StoredMarketSource.CreateAsync(_dataSource, "no-such-set", ["BTCUSDT"], Oct2026, Oct2026 + 1_000));

        Assert.Contains("dataset 'no-such-set' does not exist", ex.Message, StringComparison.Ordinal);
        Assert.Contains("pending (pending)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("replay-test (import)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_TradeHistoryWithMaxAggId_StopsAtThatIdInOrder()
    {
        var store = new AggTradeStore(_dataSource, _dataset.Id);
        await store.WriteAsync(Trades("SOLUSDT", 10, 100, Oct2026, 10, 150));
        ITradeHistory history = store;
        var read = new List<AggTrade>();

        var count = await history.ReadAsync("SOLUSDT", Oct2026 + 10, Oct2026 + 10_000, 60, read.Add);

        Assert.Equal(49, count);
        Assert.Equal(Enumerable.Range(12, 49).Select(i => (long)i), read.Select(t => t.AggId));
    }
}
