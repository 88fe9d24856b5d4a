using System.Diagnostics;
using ArbitrageEngine.Engine.Market.Binance;
using ArbitrageEngine.Tests.Fakes;
using static ArbitrageEngine.Tests.Engine.Market.Binance.BinanceTestSupport;

namespace ArbitrageEngine.Tests.Engine.Market.Binance;

public class BinanceRestClientTests
{
    private static BinanceRestClient Client(FakeBinanceServer server, BinanceOptions options) =>
        new(new HttpClient { Timeout = TimeSpan.FromSeconds(10) }, options);

    private static double SecondsBetween(FakeRequest a, FakeRequest b) => Stopwatch.GetElapsedTime(a.Timestamp, b.Timestamp).TotalSeconds;

    [Fact]
    public async Task GetAggTradesAsync_After429_NextRequestNoEarlierThanRetryAfter()
    {
        await using var server = await FakeBinanceServer.StartAsync();
        await server.PushTradesAsync("BTCUSDT", 5);
        server.EnqueueRestFault(429, 1);
        var client = Client(server, Options(server));

        var trades = await client.GetAggTradesAsync("BTCUSDT", server.Tape("BTCUSDT")[0].AggId, null, 1000, default);

        Assert.Equal(5, trades.Count);
        var log = server.Requests.ToArray();
        Assert.Equal([429, 200], log.Select(r => r.Status));
        Assert.True(SecondsBetween(log[0], log[1]) >= 1.0, $"retried after {SecondsBetween(log[0], log[1]):F3} s");
    }

    [Fact]
    public async Task AnyRequest_After418_AllRestPausedUntilRetryAfter()
    {
        await using var server = await FakeBinanceServer.StartAsync();
        await server.PushTradesAsync("BTCUSDT", 3);
        server.EnqueueRestFault(418, 2);
        var client = Client(server, Options(server) with { RestMaxAttempts = 1 });

        var banned = await Assert.ThrowsAsync<BinanceApiException>(() => client.GetPremiumIndexAsync("BTCUSDT", default));
        var trades = await client.GetAggTradesAsync("BTCUSDT", null, null, 10, default);

        Assert.Equal(418, banned.HttpStatus);
        Assert.Equal(3, trades.Count);
        var log = server.Requests.ToArray();
        Assert.Equal(2, log.Length);
        Assert.Equal("/fapi/v1/aggTrades", log[1].Path);
        Assert.True(SecondsBetween(log[0], log[1]) >= 2.0, $"next request after {SecondsBetween(log[0], log[1]):F3} s");
    }

    [Fact]
    public async Task GetAggTradesAsync_FromIdOlderThanTwoDays_ThrowsHistoryWindowOnce()
    {
        await using var server = await FakeBinanceServer.StartAsync();
        server.SeedHistory("BTCUSDT", 100, 10, DateTimeOffset.UtcNow.AddDays(-3).ToUnixTimeMilliseconds());
        var client = Client(server, Options(server));

        var error = await Assert.ThrowsAsync<BinanceApiException>(() => client.GetAggTradesAsync("BTCUSDT", 100, null, 1000, default));

        Assert.True(error.IsHistoryWindowExceeded);
        Assert.Equal(400, error.HttpStatus);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Requests_UsedWeightHeader_IsAdoptedByGovernor()
    {
        await using var server = await FakeBinanceServer.StartAsync();
        await server.PushTradesAsync("BTCUSDT", 1);
        server.ExtraUsedWeight = 1000;
        var client = Client(server, Options(server));

        await client.GetAggTradesAsync("BTCUSDT", null, null, 1, default);

        Assert.True(client.Governor.UsedWeight >= 1020);
    }

    [Fact]
    public async Task PollEndpoints_FakeAnswers_ParseNumbersAndStringTimestamps()
    {
        await using var server = await FakeBinanceServer.StartAsync();
        server.TimestampsAsStrings = true;
        server.RestOverrides["/fapi/v1/fundingRate"] = RealFrame("rest/funding_rate_2019.json");
        var client = Client(server, Options(server));

        var oi = Assert.Single(await client.GetOpenInterestHistAsync("BTCUSDT", "5m", 1, default));
        var global = Assert.Single(await client.GetGlobalLongShortAccountRatioAsync("BTCUSDT", "5m", 1, default));
        var top = Assert.Single(await client.GetTopLongShortPositionRatioAsync("BTCUSDT", "5m", 1, default));
        var funding = await client.GetFundingRatesAsync("BTCUSDT", null, 2, default);
        var premium = await client.GetPremiumIndexAsync("BTCUSDT", default);

        Assert.Equal(8157280897.9554, oi.SumOpenInterestValue);
        Assert.Equal(1791284400000, oi.TimeMs);
        Assert.Equal(1.4342, global.LongShortRatio);
        Assert.Equal(0.5556, top.LongAccount);
        Assert.All(funding, f => Assert.Null(f.MarkPrice));
        Assert.Equal(0.00000078, premium.FundingRate);
    }
}
