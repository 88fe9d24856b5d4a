using System.Text;
using System.Threading.Channels;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.Binance;
using static ArbitrageEngine.Tests.Engine.Market.Binance.BinanceTestSupport;

namespace ArbitrageEngine.Tests.Engine.Market.Binance;

/// <summary>Frames fed straight into the source's stream handler (no network), with a manual clock.</summary>
public sealed class BinanceMarketSourceFeatureTests : IDisposable
{
    private readonly List<BinanceMarketSource> _sources = [];

    private static readonly BinanceStreamEndpoint Market = new(BinanceMarketSource.MarketStream, new Uri("ws://x/market/stream"), []);
    private static readonly BinanceStreamEndpoint Public = new(BinanceMarketSource.PublicStream, new Uri("ws://x/public/stream"), []);
    private static readonly BinanceStreamEndpoint Spot = new(BinanceMarketSource.SpotStream, new Uri("ws://x/stream"), []);

    private readonly ManualTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1791382994000));
    private readonly Channel<MarketEvent> _channel = Channel.CreateUnbounded<MarketEvent>();

    private BinanceMarketSource NewSource(params string[] symbols)
    {
        var source = new BinanceMarketSource(new BinanceOptions { Symbols = symbols.Length == 0 ? ["BTCUSDT"] : symbols }, time: _time);
        source.UseOutput(_channel.Writer);
        _sources.Add(source);
        return source;
    }

    public void Dispose() => _sources.ForEach(s => s.Dispose());

    private List<MarketEvent> Drain()
    {
        var list = new List<MarketEvent>();
        while (_channel.Reader.TryRead(out var ev))
        {
            list.Add(ev);
        }

        return list;
    }

    private static ReadOnlyMemory<byte> Bytes(string s) => Encoding.UTF8.GetBytes(s);

    private static string Depth10(string data) => $"{{\"stream\":\"btcusdt@depth10@100ms\",\"data\":{data}}}";

    [Fact]
    public async Task OnFrameAsync_RealDepthFrame_EmitsObi()
    {
        var source = NewSource();
        var frame = RealFrame("ws/stream_btcusdt_depth20_100ms.json");

        Assert.True(await source.OnFrameAsync(Public, Bytes(frame), default));

        var ev = Assert.Single(Drain());
        Assert.Equal(FeatureKey.ObiDepth10, ev.Feature);
        Assert.Equal((4.417 - 3.772) / (4.417 + 3.772), ev.Value!.Value, 12);
        Assert.Equal(1791382994616, ev.TimeMs);
    }

    [Fact]
    public async Task OnFrameAsync_DepthFasterThanThrottle_EmitsAtMostOncePerThrottleInterval()
    {
        var source = NewSource();
        var frame = Bytes(Depth10("""{"e":"depthUpdate","E":1,"s":"BTCUSDT","b":[["10","3"]],"a":[["11","1"]]}"""));

        await source.OnFrameAsync(Public, frame, default);
        _time.Advance(TimeSpan.FromMilliseconds(50));
        await source.OnFrameAsync(Public, frame, default);
        _time.Advance(TimeSpan.FromMilliseconds(50));
        await source.OnFrameAsync(Public, frame, default);

        var obi = Drain().Where(e => e.Feature == FeatureKey.ObiDepth10).ToList();
        Assert.Equal(2, obi.Count);
        Assert.All(obi, e => Assert.Equal(0.5, e.Value));
    }

    [Fact]
    public async Task OnFrameAsync_MarkThenSpotBookTicker_EmitsFundingAndDivergence()
    {
        var source = NewSource();

        Assert.True(await source.OnFrameAsync(Market, Bytes(RealFrame("ws/stream_btcusdt_markPrice_1s.json")), default));
        Assert.True(await source.OnFrameAsync(Spot, Bytes("""{"stream":"btcusdt@bookTicker","data":{"u":400900217,"s":"BTCUSDT","b":"83090.00","B":"31.21","a":"83092.00","A":"40.66"}}"""), default));

        var events = Drain();
        var funding = Assert.Single(events, e => e.Kind == MarketEventKind.Funding).Funding;
        Assert.Equal(new FundingSnapshot("BTCUSDT", 1791382993000, 83084.3, 83123.65891304, 0.00000078, 1791388800000), funding);
        Assert.Equal(0.00000078, Assert.Single(events, e => e.Feature == FeatureKey.FundingRate && e.Kind == MarketEventKind.Feature).Value);
        var divergence = Assert.Single(events, e => e.Feature == FeatureKey.SpotPerpDivergence && e.Kind == MarketEventKind.Feature);
        Assert.Equal((83091.0 - 83084.3) / 83084.3, divergence.Value!.Value, 12);
    }

    [Fact]
    public async Task OnFrameAsync_ForceOrders_EmitLiquidationAndRollingSumsThatEmptyAfterWindow()
    {
        var source = NewSource("STGUSDT");
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        string Force(string side, long t) => $$"""{"stream":"stgusdt@forceOrder","data":{"e":"forceOrder","E":{{t + 1}},"o":{"s":"STGUSDT","S":"{{side}}","o":"LIMIT","f":"IOC","q":"5","p":"0.1336000","ap":"0.1355000","X":"FILLED","l":"5","z":"5","T":{{t}},"ps":"STGUSDT","st":1""" + "}}}";

        await source.OnFrameAsync(Market, Bytes(Force("SELL", now)), default);
        await source.OnFrameAsync(Market, Bytes(Force("SELL", now + 1000)), default);
        await source.OnFrameAsync(Market, Bytes(Force("BUY", now + 2000)), default);
        var events = Drain();

        Assert.Equal(3, events.Count(e => e.Kind == MarketEventKind.Liquidation));
        Assert.True(events.First(e => e.Kind == MarketEventKind.Liquidation).Liquidation.IsSell);
        var lastLong = events.Last(e => e.Kind == MarketEventKind.Feature && e.Feature == FeatureKey.LongLiqUsd);
        var lastShort = events.Last(e => e.Kind == MarketEventKind.Feature && e.Feature == FeatureKey.ShortLiqUsd);
        Assert.Equal(2 * 0.1355 * 5, lastLong.Value!.Value, 9);
        Assert.Equal(0.1355 * 5, lastShort.Value!.Value, 9);

        _time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(3));
        await source.SweepLiquidationsAsync(default);
        var swept = Drain();

        Assert.Equal(0, swept.Single(e => e.Feature == FeatureKey.LongLiqUsd).Value);
        Assert.Equal(0, swept.Single(e => e.Feature == FeatureKey.ShortLiqUsd).Value);
    }

    [Fact]
    public async Task OnFrameAsync_MalformedOrUnknownFields_ReportsMalformedOnlyForBrokenFrames()
    {
        var source = NewSource();

        Assert.False(await source.OnFrameAsync(Market, Bytes("{oops"), default));
        Assert.False(await source.OnFrameAsync(Market, Bytes("""{"stream":"btcusdt@markPrice@1s","data":{"e":"markPriceUpdate","s":"BTCUSDT"}}"""), default));
        Assert.True(await source.OnFrameAsync(Market, Bytes("""{"stream":"btcusdt@kline_1m","data":{"e":"kline"}}"""), default));
        Assert.True(await source.OnFrameAsync(Market, Bytes("""{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","new":{"a":[1,{"b":2}]},"a":7,"s":"BTCUSDT","p":"1","q":"2","T":5,"m":false,"zz":null}}"""), default));

        Assert.Equal(7, Assert.Single(Drain()).Trade.AggId);
    }

    [Fact]
    public async Task OnFrameAsync_DuplicateAndOlderWebSocketTrades_AreDropped()
    {
        var source = NewSource();
        string Trade(long id) => $$$"""{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","a":{{{id}}},"s":"BTCUSDT","p":"1","q":"2","T":5,"m":false}}""";

        foreach (var id in new long[] { 10, 11, 11, 9, 12 })
        {
            await source.OnFrameAsync(Market, Bytes(Trade(id)), default);
        }

        Assert.Equal([10, 11, 12], Drain().Select(e => e.Trade.AggId));
        Assert.Equal(2, source.DuplicatesDropped);
    }
}
