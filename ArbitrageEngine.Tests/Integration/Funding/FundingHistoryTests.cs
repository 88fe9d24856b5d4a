using ArbitrageEngine.Engine.Funding;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.Replay;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Tests.Engine.Funding;
using ArbitrageEngine.Tests.Infrastructure;
using Npgsql;

namespace ArbitrageEngine.Tests.Integration.Funding;

[Collection(PostgresCollection.Name)]
public sealed class FundingHistoryTests(PostgresFixture postgres) : IAsyncLifetime
{
    private NpgsqlDataSource _dataSource = null!;
    private FundingRateStore _store = null!;

    public async Task InitializeAsync()
    {
        _dataSource = NpgsqlDataSource.Create(await postgres.CreateMigratedDatabaseAsync("funding"));
        _store = new FundingRateStore(_dataSource);
    }

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    private static string[] Dumps(string symbol) =>
        [.. Directory.GetFiles(Path.GetDirectoryName(FundingCsvTests.RealDump("XRPUSDT-fundingRate-2024-01.csv"))!, symbol + "-fundingRate-*.csv").Order(StringComparer.Ordinal)];

    [Fact]
    public async Task ImportAsync_RealXrpDumps_StatsMatchHandComputedAndReimportOnlyDuplicates()
    {
        var importer = new FundingImporter(_store);

        var first = await importer.ImportAsync("XRPUSDT", Dumps("XRPUSDT"), default);
        var second = await importer.ImportAsync("XRPUSDT", Dumps("XRPUSDT"), default);
        var lines = FundingStatistics.PerYear(await _store.ReadAsync("XRPUSDT")).Select(s => s.ToCliLine()).ToList();

        Assert.Equal((7103, 7103, 0), (first.Rows, first.Inserted, first.Duplicates));
        Assert.Equal((7103, 0, 7103), (second.Rows, second.Inserted, second.Duplicates));
        // Computed independently (python over the same CSVs) with the spec's formulas.
        Assert.Equal(
        [
            "year=2020 settlements=1082 mean_rate=0.00022454 annualised_pct=24.59 negative_pct=4.90 net_pct=24.53",
            "year=2021 settlements=1095 mean_rate=0.00043963 annualised_pct=48.14 negative_pct=4.02 net_pct=48.08",
            "year=2022 settlements=1095 mean_rate=0.00000013 annualised_pct=0.01 negative_pct=39.45 net_pct=-0.05",
            "year=2023 settlements=1095 mean_rate=0.00007487 annualised_pct=8.20 negative_pct=16.07 net_pct=8.14",
            "year=2024 settlements=1098 mean_rate=0.00012959 annualised_pct=14.19 negative_pct=7.19 net_pct=14.13",
            "year=2025 settlements=1095 mean_rate=0.00003222 annualised_pct=3.53 negative_pct=29.13 net_pct=3.47",
            "year=2026 settlements=543 mean_rate=-0.00002019 annualised_pct=-2.21 negative_pct=60.04 net_pct=-2.27",
            "year=all settlements=7103 mean_rate=0.00013700 annualised_pct=15.00 negative_pct=20.12 net_pct=14.94",
        ], lines);
    }

    [Fact]
    public async Task ImportAsync_MalformedLineInLastFile_NothingWritten()
    {
        var bad = Path.Combine(Path.GetTempPath(), $"SOLUSDT-fundingRate-bad-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(bad, FundingCsv.Header + "\n1600012800000,8,0.0001\n1600041600000,8,\n");
        try
        {
            var ex = await Assert.ThrowsAsync<CsvFormatException>(() => new FundingImporter(_store).ImportAsync("SOLUSDT", [.. Dumps("SOLUSDT"), bad], default));

            Assert.Equal(bad, ex.File);
            Assert.Equal(3, ex.Line);
            Assert.Empty(await _store.ReadAsync("SOLUSDT"));
        }
        finally
        {
            File.Delete(bad);
        }
    }

    [Fact]
    public async Task RecordFromSnapshotsAsync_PassedSettlement_LastRateBeforeItStoredOnce()
    {
        const long settle = 1_700_006_400_000; // an 8-hour boundary
        var writer = new MarketDataStore(_dataSource, datasetId: 1);
        await writer.WriteAsync(
        [
            MarketEvent.ForFunding(new FundingSnapshot("BTCUSDT", settle - 120_000, 100, 100, 0.0002, settle)),
            MarketEvent.ForFunding(new FundingSnapshot("BTCUSDT", settle - 60_000, 100, 100, 0.0003, settle)),
            MarketEvent.ForFunding(new FundingSnapshot("BTCUSDT", settle + 60_000, 100, 100, 0.0009, settle + (8 * 3_600_000L))),
        ]);

        var first = await _store.RecordFromSnapshotsAsync(0, settle + 120_000);
        var again = await _store.RecordFromSnapshotsAsync(0, settle + 120_000);

        Assert.Equal(1, first);
        Assert.Equal(0, again);
        Assert.Equal([new FundingSettlement(settle, 0.0003)], await _store.ReadAsync("BTCUSDT"));
    }

    [Fact]
    public async Task SnapshotStore_CandlesAndRetention_FromStoredSnapshots()
    {
        const long hour = 1_700_006_400_000;
        var writer = new MarketDataStore(_dataSource, datasetId: 1);
        await writer.WriteAsync(
        [
            MarketEvent.ForFunding(new FundingSnapshot("ETHUSDT", hour, 1, 1, 0.0001, hour + 1)),
            MarketEvent.ForFunding(new FundingSnapshot("ETHUSDT", hour + 60_000, 1, 1, 0.0004, hour + 1)),
            MarketEvent.ForFunding(new FundingSnapshot("ETHUSDT", hour + 120_000, 1, 1, -0.0002, hour + 1)),
            MarketEvent.ForFunding(new FundingSnapshot("ETHUSDT", hour + 3_600_000, 1, 1, 0.0003, hour + 1)),
        ]);
        var snapshots = new FundingSnapshotStore(_dataSource);

        var candles = await snapshots.CandlesAsync("ETHUSDT", 3_600_000, hour, hour + 7_200_000);
        var deleted = await snapshots.DeleteBeforeAsync(hour + 3_600_000);
        var latest = await snapshots.LatestAsync();

        Assert.Equal(new FundingCandle(hour, 0.0001, 0.0004, -0.0002, -0.0002, 3), candles[0]);
        Assert.Equal(new FundingCandle(hour + 3_600_000, 0.0003, 0.0003, 0.0003, 0.0003, 1), candles[1]);
        Assert.Equal(3, deleted);
        Assert.Equal(hour + 3_600_000, Assert.Single(latest).TimeMs);
    }

    [Fact]
    public async Task SignalCheck_SevenDayAnnualisedAboveThreshold_SignalAndHistory()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 28_800_000 * 28_800_000;
        // 21 settlements of the last 7 days at 0.0002 (21.9 % a year) and an old one that must not count.
        await _store.WriteAsync("SOLUSDT", [new FundingSettlement(now - (30 * 86_400_000L), -0.01), .. Enumerable.Range(0, 21).Select(i => new FundingSettlement(now - (i * 28_800_000L), 0.0002))], "import");
        var signals = new FundingSignalStore(_dataSource);

        var on = await ArbitrageEngine.Web.Funding.FundingJobService.CheckAsync(_store, "SOLUSDT", now, 10, 0.0006, default);
        var off = await ArbitrageEngine.Web.Funding.FundingJobService.CheckAsync(_store, "SOLUSDT", now, 25, 0.0006, default);
        await signals.AddAsync(on);
        await signals.AddAsync(off with { CheckedMs = now + 1 });

        Assert.True(on.Signal);
        Assert.Equal(21, on.Settlements);
        Assert.Equal(21.9, on.AnnualisedPct7d, 9);
        Assert.False(off.Signal);
        Assert.False((await signals.LatestAsync("SOLUSDT"))!.Signal);
        Assert.Single(await signals.ReadAsync(null, 10, signalsOnly: true));
    }
}
