using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Persistence.Archive;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Tests.Infrastructure;
using Npgsql;

namespace ArbitrageEngine.Tests.Integration.Market;

[Collection(PostgresCollection.Name)]
public sealed class TradeArchiverTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const long Day = ArchiveEntry.DayMs;
    private static readonly long Oct5 = new DateTimeOffset(2026, 10, 5, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private static readonly string[] Symbols = ["BTCUSDT", "ETHUSDT"];
    private static readonly StoredMarketSourceOptions Tiny = new() { ChunkTrades = 37, ChunksAhead = 1 };

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"ae-archiver-{Guid.NewGuid():N}");
    private NpgsqlDataSource _dataSource = null!;
    private DatasetInfo _dataset = null!;
    private AggTradeStore _store = null!;
    private TradeArchiver _archiver = null!;

    public async Task InitializeAsync()
    {
        _dataSource = NpgsqlDataSource.Create(await postgres.CreateMigratedDatabaseAsync("archive"));
        _dataset = await new DatasetCatalog(_dataSource).EnsureAsync("sim archive/test", DatasetKinds.Simulated, 5);
        _store = new AggTradeStore(_dataSource, _dataset.Id);
        _archiver = new TradeArchiver(_dataSource, _root);
    }

    public async Task DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    /// <summary>Three days (Oct 5–7) of two symbols: a trade every 997 ms (so every day boundary falls between trades), decimal prices and sizes.</summary>
    private async Task<Dictionary<string, List<AggTrade>>> StoreThreeDaysAsync()
    {
        var all = new Dictionary<string, List<AggTrade>>(StringComparer.Ordinal);
        foreach (var (symbol, i) in Symbols.Select((s, i) => (s, i)))
        {
            var rng = new Random(i + 1);
            var price = i == 0 ? 60_000.0 : 3_000.0;
            var trades = new List<AggTrade>();
            for (long t = Oct5 + (i * 13), id = 5_000 + (i * 100_000); t < Oct5 + (3 * Day); t += 997 + (i * 300), id++)
            {
                price = Math.Round(price + (rng.Next(-2, 3) * 0.1), 1);
                trades.Add(new AggTrade(id, t, price, Math.Round(0.001 * rng.Next(1, 900), 3), rng.Next(2) == 0));
            }

            all[symbol] = trades;
            foreach (var part in trades.Chunk(20_000))
            {
                await _store.WriteAsync([.. part.Select(t => new SymbolTrade(symbol, t))]);
            }
        }

        return all;
    }

    private async Task<List<MarketEvent>> ReplayAsync(long from, long to, StoredMarketSourceOptions? options = null)
    {
        var events = new List<MarketEvent>();
        await foreach (var e in StoredMarketEvents.For(_dataSource, _dataset, options ?? Tiny)(Symbols, from, to, CancellationToken.None))
        {
            events.Add(e);
        }

        return events;
    }

    private async Task<long> CountInDatabaseAsync(long from, long to)
    {
        await using var cmd = _dataSource.CreateCommand("SELECT count(*) FROM agg_trades WHERE dataset_id = $1 AND time_ms >= $2 AND time_ms < $3");
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _dataset.Id });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = from });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = to });
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task ArchiveAsync_CutoffAtThirdDay_ArchivesAndDeletesOnlyTheTwoCompleteOlderDays()
    {
        var stored = await StoreThreeDaysAsync();
        var thirdDay = stored.Values.Sum(l => l.Count(t => t.TimeMs >= Oct5 + (2 * Day)));

        // A cutoff inside day 3 archives days 1 and 2 only: day 3 is not complete before it.
        var result = await _archiver.ArchiveAsync(_dataset, Oct5 + (2 * Day) + 3_600_000);

        var entries = await new ArchiveManifest(_dataSource).ListAsync(_dataset.Id, null, 0, long.MaxValue / 2);
        Assert.Equal(4, result.Files);
        Assert.Equal(stored.Values.Sum(l => l.Count) - thirdDay, result.Rows);
        Assert.Equal(result.Rows, result.DeletedRows);
        Assert.Equal(0, await CountInDatabaseAsync(0, Oct5 + (2 * Day)));
        Assert.Equal(thirdDay, await CountInDatabaseAsync(Oct5 + (2 * Day), long.MaxValue));
        Assert.Equal(
            ["BTCUSDT 2026-10-05", "BTCUSDT 2026-10-06", "ETHUSDT 2026-10-05", "ETHUSDT 2026-10-06"],
            entries.Select(e => $"{e.Symbol} {e.Day:yyyy-MM-dd}"));
        foreach (var e in entries)
        {
            var expected = stored[e.Symbol].Where(t => t.TimeMs >= e.DayStartMs && t.TimeMs < e.DayEndMs).ToList();
            Assert.Equal((expected.Count, expected[0].AggId, expected[^1].AggId), (e.File.Rows, e.File.FirstAggId, e.File.LastAggId));
            Assert.True(File.Exists(e.FullPath()));
            Assert.Equal(Path.Combine(_root, "sim_archive_test", e.Symbol, $"{e.Day:yyyy-MM-dd}.parquet"), e.FullPath());
            Assert.Equal(new FileInfo(e.FullPath()).Length, e.File.Bytes);
        }
    }

    [Fact]
    public async Task Replay_AcrossArchiveAndDatabaseBoundary_SameEventsAsBeforeArchivingInOrderWithoutDuplicates()
    {
        await StoreThreeDaysAsync();
        // From mid day 1 (archived) to mid day 3 (in PostgreSQL).
        var from = Oct5 + (Day / 2) + 123;
        var to = Oct5 + (2 * Day) + (Day / 3);
        var before = await ReplayAsync(from, to);

        await _archiver.ArchiveAsync(_dataset, Oct5 + (2 * Day));
        var after = await ReplayAsync(from, to);
        var onlyDatabase = await ReplayAsync(from, to, Tiny with { UseArchive = false });

        Assert.NotEmpty(before);
        Assert.Equal(before.Select(e => (e.Symbol, e.Trade)), after.Select(e => (e.Symbol, e.Trade)));
        foreach (var symbol in Symbols)
        {
            var ids = after.Where(e => e.Symbol == symbol).Select(e => e.Trade.AggId).ToList();
            Assert.Equal(ids.Order(), ids);
            Assert.Equal(ids.Count, ids.Distinct().Count());
        }

        Assert.Equal(after.Select(e => e.TimeMs).Order(), after.Select(e => e.TimeMs));
        Assert.All(onlyDatabase, e => Assert.True(e.TimeMs >= Oct5 + (2 * Day)));
    }

    [Fact]
    public async Task ArchiveAsync_SecondPass_ArchivesNothingAndLeavesFilesAsTheyWere()
    {
        await StoreThreeDaysAsync();
        await _archiver.ArchiveAsync(_dataset, Oct5 + (2 * Day));
        var first = await new ArchiveManifest(_dataSource).ListAsync(_dataset.Id, null, 0, long.MaxValue / 2);

        var again = await _archiver.ArchiveAsync(_dataset, Oct5 + (2 * Day));

        var second = await new ArchiveManifest(_dataSource).ListAsync(_dataset.Id, null, 0, long.MaxValue / 2);
        Assert.Equal(ArchivePassResult.None, again);
        Assert.Equal(first, second);
        Assert.Equal(4, Directory.GetFiles(_root, "*.parquet", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public async Task ArchiveAsync_RowsArrivingForAnArchivedDay_MergedIntoANewFileOnTheNextPass()
    {
        var stored = await StoreThreeDaysAsync();
        await _archiver.ArchiveAsync(_dataset, Oct5 + Day);
        var old = (await new ArchiveManifest(_dataSource).FindAsync(_dataset.Id, "BTCUSDT", new DateOnly(2026, 10, 5)))!;
        // A late gap fill: a trade between two archived ones (its id was never used), at the end of day 1.
        var late = new AggTrade(1, Oct5 + Day - 1, 1.5, 0.25, true);
        await _store.WriteAsync([new SymbolTrade("BTCUSDT", late)]);

        var result = await _archiver.ArchiveAsync(_dataset, Oct5 + Day);

        var merged = (await new ArchiveManifest(_dataSource).FindAsync(_dataset.Id, "BTCUSDT", new DateOnly(2026, 10, 5)))!;
        Assert.Equal((1, 1L), (result.Files, result.DeletedRows));
        Assert.Equal(old.File.Rows + 1, merged.File.Rows);
        Assert.Equal(1, merged.File.FirstAggId);
        Assert.False(File.Exists(old.FullPath()));
        Assert.True(File.Exists(merged.FullPath()));
        var history = new List<AggTrade>();
        await _store.ReadAsync("BTCUSDT", Oct5, Oct5 + Day, long.MaxValue, history.Add);
        Assert.Equal(stored["BTCUSDT"].Where(t => t.TimeMs < Oct5 + Day).Prepend(late), history);
    }

    [Fact]
    public async Task Replay_CorruptArchiveFile_FailsNamingTheFile()
    {
        await StoreThreeDaysAsync();
        await _archiver.ArchiveAsync(_dataset, Oct5 + Day);
        var entry = (await new ArchiveManifest(_dataSource).FindAsync(_dataset.Id, "ETHUSDT", new DateOnly(2026, 10, 5)))!;
        var bytes = await File.ReadAllBytesAsync(entry.FullPath());
        bytes[100] ^= 0x55;
        await File.WriteAllBytesAsync(entry.FullPath(), bytes);

        var ex = await Assert.ThrowsAsync<ArchiveFileException>(() => ReplayAsync(Oct5, Oct5 + (2 * Day)));

        Assert.Contains(entry.FullPath(), ex.Message);
        File.Delete(entry.FullPath());
        var missing = await Assert.ThrowsAsync<ArchiveFileException>(() => ReplayAsync(Oct5, Oct5 + (2 * Day)));
        Assert.Contains($"archive file '{entry.FullPath()}' is missing", missing.Message);
    }

    [Fact]
    public async Task TradeHistory_AllArchived_WarmUpReadsLastAndEarliestComeFromTheArchive()
    {
        var stored = await StoreThreeDaysAsync();
        var btc = stored["BTCUSDT"];

        await _archiver.ArchiveAsync(_dataset, Oct5 + (3 * Day));

        Assert.Equal(0, await CountInDatabaseAsync(0, long.MaxValue));
        Assert.Equal(btc[^1], await _store.LastTradeAsync("BTCUSDT"));
        Assert.Equal(btc[0].TimeMs, await _store.EarliestTimeAsync("BTCUSDT"));
        var maxId = btc[btc.Count / 2].AggId;
        var warm = new List<AggTrade>();
        var n = await _store.ReadAsync("BTCUSDT", Oct5 + 1000, Oct5 + (3 * Day), maxId, warm.Add);
        Assert.Equal(btc.Where(t => t.TimeMs >= Oct5 + 1000 && t.AggId <= maxId), warm);
        Assert.Equal(warm.Count, n);
    }

    [Fact]
    public async Task Replay_RangeWithoutTrades_ErrorSaysWhatIsStoredAndArchived()
    {
        var stored = await StoreThreeDaysAsync();
        await _archiver.ArchiveAsync(_dataset, Oct5 + Day);

        var ex = await Assert.ThrowsAsync<ReplayRangeException>(() => ReplayAsync(Oct5 + (10 * Day), Oct5 + (11 * Day)));

        Assert.Contains("archived: BTCUSDT 2026-10-05", ex.Message);
        Assert.Contains("stored: BTCUSDT 2026-10-05T00:00:00.000Z", ex.Message); // the catalogue's ranges include archived days
        var ranges = await new DatasetCatalog(_dataSource).RangesAsync(_dataset.Id);
        Assert.Equal(stored.Values.Sum(l => l.Count), ranges.Sum(r => r.Trades));
    }

    [Fact]
    public async Task ArchiveAsync_WhileAnotherPassRuns_RefusedWithoutTouchingAnything()
    {
        var stored = await StoreThreeDaysAsync();
        await using var other = await _dataSource.OpenConnectionAsync();
        await using (var cmd = new NpgsqlCommand($"SELECT pg_advisory_lock({TradeArchiver.AdvisoryLockKey})", other))
        {
            await cmd.ExecuteScalarAsync();
        }

        await Assert.ThrowsAsync<ArchiveBusyException>(() => _archiver.ArchiveAsync(_dataset, Oct5 + (3 * Day)));

        Assert.Empty(await new ArchiveManifest(_dataSource).ListAsync(_dataset.Id, null, 0, long.MaxValue / 2));
        Assert.Equal(stored.Values.Sum(l => l.Count), await CountInDatabaseAsync(0, long.MaxValue));
    }
}
