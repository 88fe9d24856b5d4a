using System.Text;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.Binance;
using ArbitrageEngine.Tests.Fakes;
using static ArbitrageEngine.Tests.Engine.Market.Binance.BinanceTestSupport;

namespace ArbitrageEngine.Tests.Engine.Market.Binance;

/// <summary>The whole connector against the local fake Binance: continuity, faults, heartbeats, features.</summary>
public class BinanceMarketSourceTests
{
    private const string Btc = "BTCUSDT";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task RunAsync_DroppedConnection_NoMissingNoDuplicateAggIds()
    {
        await using var server = await FakeBinanceServer.StartAsync();
        await using var h = await SourceHarness.StartAsync(server, Options(server));

        await server.PushTradesAsync(Btc, 50);
        await h.WaitForTradesAsync(50);
        var first = h.TradeIds()[0];
        server.DropConnections("/market/stream");
        await server.PushTradesAsync(Btc, 30);
        await WaitUntilAsync(() => server.AcceptedConnections("/market/stream") >= 2, Timeout, "reconnect");
        await server.PushTradesAsync(Btc, 20);
        await h.WaitForTradesAsync(100);

        Assert.True(h.Market.Reconnects >= 1);
        Assert.True(h.Market.GapTradesFilled >= 30);
        await h.AssertExactlyTapeAsync(Btc, first);
    }

    [Fact]
    public async Task RunAsync_SilentConnection_DetectedReconnectedNoMissingNoDuplicate()
    {
        await using var server = await FakeBinanceServer.StartAsync();
        await using var h = await SourceHarness.StartAsync(server, Options(server) with { SilenceTimeout = TimeSpan.FromSeconds(1) });

        await server.PushTradesAsync(Btc, 50);
        await h.WaitForTradesAsync(50);
        var first = h.TradeIds()[0];
        server.SilenceConnections("/market/stream");
        await server.PushTradesAsync(Btc, 30);
        await WaitUntilAsync(() => server.AcceptedConnections("/market/stream") >= 2, Timeout, "reconnect after silence");
        await server.PushTradesAsync(Btc, 20);
        await h.WaitForTradesAsync(100);

        Assert.True(h.Market.Reconnects >= 1);
        await h.AssertExactlyTapeAsync(Btc, first);
    }

    [Fact]
    public async Task RunAsync_RangeLostOnWebSocket_FilledFromRestNoMissingNoDuplicate()
    {
        await using var server = await FakeBinanceServer.StartAsync();
        await using var h = await SourceHarness.StartAsync(server, Options(server) with { AggTradesPageLimit = 7 });

        await server.PushTradesAsync(Btc, 50);
        await h.WaitForTradesAsync(50);
        var first = h.TradeIds()[0];
        server.LoseOnWebSocket(Btc, 30);
        await server.PushTradesAsync(Btc, 30);
        await server.PushTradesAsync(Btc, 20);
        await h.WaitForTradesAsync(100);

        Assert.Equal(0, h.Market.Reconnects);
        Assert.Equal(30, h.Market.GapTradesFilled);
        await h.AssertExactlyTapeAsync(Btc, first);
    }

    [Fact]
    public async Task RunAsync_TrailingRangeLost_ContinuityCheckFillsIt()
    {
        await using var server = await FakeBinanceServer.StartAsync();
        var options = Options(server) with { ContinuityCheckInterval = TimeSpan.FromMilliseconds(200), ContinuityGrace = TimeSpan.Zero };
        await using var h = await SourceHarness.StartAsync(server, options);

        await server.PushTradesAsync(Btc, 10);
        await h.WaitForTradesAsync(10);
        var first = h.TradeIds()[0];
        server.LoseOnWebSocket(Btc, 5);
        await server.PushTradesAsync(Btc, 5);
        await h.WaitForTradesAsync(15);

        await h.AssertExactlyTapeAsync(Btc, first);
    }

    [Fact]
    public async Task RunAsync_ResumeOlderThanTwoDays_PermanentGapReportedOnceThenLive()
    {
        await using var server = await FakeBinanceServer.StartAsync();
        server.SeedHistory(Btc, 1000, 100, DateTimeOffset.UtcNow.AddDays(-3).ToUnixTimeMilliseconds());
        var options = Options(server) with { ResumeAfterAggId = new Dictionary<string, long> { [Btc] = 1049 } };
        await using var h = await SourceHarness.StartAsync(server, options);

        await WaitUntilAsync(() => h.Market.PermanentGaps == 1, Timeout, "permanent gap");
        await server.PushTradesAsync(Btc, 10);
        await h.WaitForTradesAsync(10);
        await h.StopAsync();

        Assert.Equal(Enumerable.Range(1100, 10).Select(i => (long)i), h.TradeIds());
        Assert.Equal(1, h.Market.PermanentGaps);
        Assert.Contains("permanent gap", h.Market.LastError, StringComparison.Ordinal);
        var aggRequests = server.Requests.Where(r => r.Path == "/fapi/v1/aggTrades").ToList();
        Assert.Single(aggRequests);
        Assert.Equal(400, aggRequests[0].Status);
    }

    [Fact]
    public async Task RunAsync_MalformedFrames_CountedSkippedStreamContinues()
    {
        await using var server = await FakeBinanceServer.StartAsync();
        await using var h = await SourceHarness.StartAsync(server, Options(server));

        await server.PushTradesAsync(Btc, 5);
        await h.WaitForTradesAsync(5);
        var first = h.TradeIds()[0];
        await server.SendRawAsync("/market/stream", "definitely not json");
        await server.SendRawAsync("/market/stream", """{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","a":"x1","s":"BTCUSDT","p":"1","q":"1","T":1,"m":true}}""");
        await server.SendRawAsync("/market/stream", """{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":1791382992488,"s":"BTCUSDT"}}""");
        await server.SendRawAsync("/market/stream", """{"stream":"btcusdt@aggTrade","data":{"e":"aggTr""");
        await server.SendRawAsync("/market/stream", """{"result":null,"id":1}""");
        await server.SendToStreamAsync("btcusdt@markPrice@1s", """{"e":"markPriceUpdate","E":1791382993000,"s":"BTCUSDT","p":"83084.30000000","ap":"83084.30000000","P":"83195.15881449","i":"83123.65891304","r":"0.00000078","T":1791388800000,"st":1,"future":{"nested":[1,2,{"x":null}]}}""");
        await server.PushTradesAsync(Btc, 5);
        await h.WaitForTradesAsync(10);
        await WaitUntilAsync(() => h.Events().Any(e => e.Kind == MarketEventKind.Funding), Timeout, "funding from unknown-field frame");

        Assert.Equal(4, h.Market.Malformed);
        Assert.Equal(0, h.Market.Reconnects);
        Assert.Equal(StreamState.Connected, h.Market.State);
        await h.AssertExactlyTapeAsync(Btc, first);
    }

    [Fact]
    public async Task RunAsync_ServerPing_AnsweredWithPongCarryingSamePayload()
    {
        await using var server = await FakeBinanceServer.StartAsync();
        await using var h = await SourceHarness.StartAsync(server, Options(server));
        var payload = Encoding.ASCII.GetBytes("1791382992488");

        await server.PushTradesAsync(Btc, 1);
        await h.WaitForTradesAsync(1);
        await server.SendPingAsync("/market/stream", payload);
        await WaitUntilAsync(() => !server.Pongs.IsEmpty, Timeout, "pong");

        Assert.Equal(payload, Assert.Single(server.Pongs));
    }

    [Fact]
    public async Task RunAsync_UpperCaseConfig_SubscribesLowerCaseStreamNames()
    {
        await using var server = await FakeBinanceServer.StartAsync();
        using var source = new BinanceMarketSource(Options(server, "btcusdt") with { EnablePublicStream = true, EnableSpotStream = true });

        var streams = source.Endpoints().SelectMany(e => e.Streams).ToList();

        Assert.Equal(["btcusdt@aggTrade", "btcusdt@forceOrder", "btcusdt@markPrice@1s", "btcusdt@depth10@100ms", "btcusdt@bookTicker"], streams);
        Assert.All(streams, s => Assert.Equal(s.Split('@')[0], s.Split('@')[0].ToLowerInvariant()));
    }

    [Fact]
    public async Task RunAsync_PublicAndSpotStreamsAndPoll_EmitObiDivergenceAndRestFeatures()
    {
        await using var server = await FakeBinanceServer.StartAsync();
        var options = Options(server) with { EnablePublicStream = true, EnableSpotStream = true, EnableRestPolling = true };
        await using var h = await SourceHarness.StartAsync(server, options);
        await WaitUntilAsync(() => server.AcceptedConnections("/public/stream") >= 1 && server.AcceptedConnections("/stream") >= 1, Timeout, "public and spot connections");

        var depth = RealFrame("ws/stream_btcusdt_depth20_100ms.json").Replace("depth20@100ms", "depth10@100ms", StringComparison.Ordinal);
        await server.SendRawAsync("/public/stream", depth);
        await server.SendToStreamAsync("btcusdt@markPrice@1s", """{"e":"markPriceUpdate","E":1791382993000,"s":"BTCUSDT","p":"83084.30000000","ap":"83084.30000000","P":"83195.15881449","i":"83123.65891304","r":"0.00000078","T":1791388800000,"st":1}""");
        await WaitUntilAsync(() => h.Events().Any(e => e.Kind == MarketEventKind.Funding && e.TimeMs == 1791382993000), Timeout, "mark price");
        await server.SendToStreamAsync("btcusdt@bookTicker", """{"u":400900217,"s":"BTCUSDT","b":"83090.00000000","B":"31.21000000","a":"83092.00000000","A":"40.66000000"}""");

        double? Latest(FeatureKey key) => h.Events().LastOrDefault(e => e.Kind == MarketEventKind.Feature && e.Feature == key).Value;
        await WaitUntilAsync(() => Latest(FeatureKey.SpotPerpDivergence) is not null && Latest(FeatureKey.ObiDepth10) is not null && Latest(FeatureKey.TopTraderPosition) is not null, Timeout, "features");

        Assert.Equal((4.417 - 3.772) / (4.417 + 3.772), Latest(FeatureKey.ObiDepth10)!.Value, 12);
        Assert.Equal((83091.0 - 83084.3) / 83084.3, Latest(FeatureKey.SpotPerpDivergence)!.Value, 12);
        Assert.Equal(8157280897.9554, Latest(FeatureKey.OpenInterestHist));
        Assert.Equal(1.4342, Latest(FeatureKey.LongShortRatio));
        Assert.Equal(0.5556, Latest(FeatureKey.TopTraderPosition));
        Assert.Equal(0.00000078, Latest(FeatureKey.FundingRate));
    }
    [Fact]
    public async Task RunAsync_ConnectionOlderThanLimit_ReconnectsProactivelyWithoutLoss()
    {
        await using var server = await FakeBinanceServer.StartAsync();
        await using var h = await SourceHarness.StartAsync(server, Options(server) with { ProactiveReconnectAfter = TimeSpan.FromMilliseconds(300) });

        await server.PushTradesAsync(Btc, 20);
        await h.WaitForTradesAsync(20);
        var first = h.TradeIds()[0];
        var accepted = server.AcceptedConnections("/market/stream");
        await WaitUntilAsync(() => server.AcceptedConnections("/market/stream") > accepted, Timeout, "proactive reconnect");
        await server.PushTradesAsync(Btc, 20);
        await h.WaitForTradesAsync(40);

        Assert.True(h.Market.Reconnects >= 1);
        await h.AssertExactlyTapeAsync(Btc, first);
    }

    [Fact]
    public async Task RunAsync_429DuringGapFill_WaitsRetryAfterThenFillsWithoutLoss()
    {
        await using var server = await FakeBinanceServer.StartAsync();
        await using var h = await SourceHarness.StartAsync(server, Options(server));

        await server.PushTradesAsync(Btc, 10);
        await h.WaitForTradesAsync(10);
        var first = h.TradeIds()[0];
        server.EnqueueRestFault(429, 1);
        server.LoseOnWebSocket(Btc, 10);
        await server.PushTradesAsync(Btc, 15);
        await h.WaitForTradesAsync(25);

        var log = server.Requests.Where(r => r.Path == "/fapi/v1/aggTrades").ToArray();
        Assert.Equal(429, log[0].Status);
        Assert.True(System.Diagnostics.Stopwatch.GetElapsedTime(log[0].Timestamp, log[1].Timestamp).TotalSeconds >= 1.0);
        await h.AssertExactlyTapeAsync(Btc, first);
    }
    [Fact]
    public async Task RunAsync_ResumeWithinTwoDays_FillsHistoryInPagesOf1000ThenLive()
    {
        await using var server = await FakeBinanceServer.StartAsync();
        server.SeedHistory(Btc, 5000, 2600, DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds());
        var options = Options(server) with { ResumeAfterAggId = new Dictionary<string, long> { [Btc] = 5099 } };
        await using var h = await SourceHarness.StartAsync(server, options);

        await h.WaitForTradesAsync(2500);
        await server.PushTradesAsync(Btc, 10);
        await h.WaitForTradesAsync(2510);

        var pages = server.Requests.Where(r => r.Path == "/fapi/v1/aggTrades" && r.Query.Contains("limit=1000", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, pages.Count);
        Assert.Equal(2500, h.Market.GapTradesFilled);
        await h.AssertExactlyTapeAsync(Btc, 5100);
    }
}
