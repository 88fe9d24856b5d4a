using ArbitrageEngine.Engine.Funding;
using ArbitrageEngine.Engine.Market.Binance;
using ArbitrageEngine.Tests.Fakes;
using ArbitrageEngine.Tests.Infrastructure;
using Npgsql;
using static ArbitrageEngine.Tests.Engine.Market.Binance.BinanceTestSupport;

namespace ArbitrageEngine.Tests.Integration.Funding;

[Collection(PostgresCollection.Name)]
public sealed class FundingBackfillTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const long Start = 1_600_000_000_000 / 28_800_000 * 28_800_000;
    private NpgsqlDataSource _dataSource = null!;
    private FundingRateStore _store = null!;

    public async Task InitializeAsync()
    {
        _dataSource = NpgsqlDataSource.Create(await postgres.CreateMigratedDatabaseAsync("backfill"));
        _store = new FundingRateStore(_dataSource);
    }

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    /// <summary>2,500 settlements with a few ms of jitter, like Binance sends them.</summary>
    private static List<(long, double)> History() =>
        [.. Enumerable.Range(0, 2500).Select(i => (Start + (i * 28_800_000L) + (i % 5), (i % 7 - 2) / 100_000.0))];

    [Fact]
    public async Task RunAsync_ThreePages_AllStoredInOrderWithStartTimePaging()
    {
        await using var server = await FakeBinanceServer.StartAsync();
        server.FundingHistory["XRPUSDT"] = History();
        var backfill = new FundingBackfill(new BinanceRestClient(new HttpClient(), Options(server)), _store, TimeProvider.System, TimeSpan.Zero);

        var added = await backfill.RunAsync("XRPUSDT", Start, default);

        var stored = await _store.ReadAsync("XRPUSDT");
        Assert.Equal(2500, added);
        Assert.Equal(2500, stored.Count);
        Assert.Equal(Start, stored[0].TimeMs);
        Assert.All(stored, s => Assert.Equal(0, s.TimeMs % 60_000));
        var requests = server.Requests.Where(r => r.Path == "/fapi/v1/fundingRate").ToList();
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r => Assert.Contains("limit=1000", r.Query, StringComparison.Ordinal));
        // The second page starts right after the raw time of the first page's last row.
        Assert.Contains($"startTime={Start + (999 * 28_800_000L) + (999 % 5) + 1}", requests[1].Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_InterruptedThenRerun_ResumesAfterStoredHistoryWithoutDuplicates()
    {
        await using var server = await FakeBinanceServer.StartAsync();
        server.FundingHistory["XRPUSDT"] = History();
        // An earlier run stored the first 1,200 settlements, then stopped.
        await _store.WriteAsync("XRPUSDT", [.. History().Take(1200).Select(h => new FundingSettlement(FundingSettlement.RoundToSettlement(h.Item1), h.Item2))], "rest");
        var backfill = new FundingBackfill(new BinanceRestClient(new HttpClient(), Options(server)), _store, TimeProvider.System, TimeSpan.Zero);

        var added = await backfill.RunAsync("XRPUSDT", Start, default);
        var again = await backfill.RunAsync("XRPUSDT", Start, default);

        Assert.Equal(1300, added);
        Assert.Equal(0, again);
        Assert.Equal(2500, (await _store.ReadAsync("XRPUSDT")).Count);
        var first = server.Requests.First(r => r.Path == "/fapi/v1/fundingRate");
        Assert.Contains($"startTime={Start + (1199 * 28_800_000L) + 1}", first.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_RateLimited429_WaitsRetryAfterAndCompletes()
    {
        await using var server = await FakeBinanceServer.StartAsync();
        server.FundingHistory["XRPUSDT"] = History();
        server.EnqueueRestFault(429, 1);
        var backfill = new FundingBackfill(new BinanceRestClient(new HttpClient(), Options(server)), _store, TimeProvider.System, TimeSpan.Zero);

        var added = await backfill.RunAsync("XRPUSDT", Start, default);

        Assert.Equal(2500, added);
        Assert.Equal(429, server.Requests.First().Status);
    }
}
