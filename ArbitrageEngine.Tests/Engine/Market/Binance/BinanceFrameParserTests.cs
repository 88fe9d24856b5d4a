using System.Text;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.Binance;
using static ArbitrageEngine.Tests.Engine.Market.Binance.BinanceTestSupport;

namespace ArbitrageEngine.Tests.Engine.Market.Binance;

public class BinanceFrameParserTests
{
    private static readonly BinanceSymbolTable Btc = new(["BTCUSDT"]);

    private static (BinanceStreamKind Kind, byte[] Data) Envelope(string frame)
    {
        var bytes = Encoding.UTF8.GetBytes(frame);
        Assert.True(BinanceFrameParser.TryReadEnvelope(bytes, out var kind, out var range));
        return (kind, bytes[range]);
    }

    [Fact]
    public void TryParseAggTrade_RealCapturedFrame_ReadsAllFieldsAndIgnoresUnknown()
    {
        var (kind, data) = Envelope(RealFrame("ws/stream_btcusdt_aggTrade.json"));

        Assert.Equal(BinanceStreamKind.AggTrade, kind);
        Assert.True(BinanceFrameParser.TryParseAggTrade(data, Btc, out var symbol, out var trade));
        Assert.Equal(0, symbol);
        Assert.Equal(new AggTrade(3477868433, 1791382992338, 83091.70, 0.022, false), trade);
    }

    [Fact]
    public void TryParseAggTrade_SpecSampleWithNqAndSt_Parses()
    {
        const string frame = """{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":1791382992488,"a":3477868433,"s":"BTCUSDT","p":"83091.70","q":"0.022","nq":"0.022","f":8153634393,"l":8153634394,"T":1791382992338,"m":true,"st":1}}""";
        var (_, data) = Envelope(frame);

        Assert.True(BinanceFrameParser.TryParseAggTrade(data, Btc, out _, out var trade));
        Assert.True(trade.IsBuyerMaker);
    }

    [Fact]
    public void TryReadEnvelope_DataBeforeStream_Works()
    {
        var (kind, data) = Envelope("""{"data":{"e":"aggTrade","a":1,"s":"BTCUSDT","p":"1.5","q":"2","T":5,"m":false,"x":{"deep":[1,[2]]}},"stream":"btcusdt@aggTrade"}""");

        Assert.Equal(BinanceStreamKind.AggTrade, kind);
        Assert.True(BinanceFrameParser.TryParseAggTrade(data, Btc, out _, out var trade));
        Assert.Equal(1.5, trade.Price);
    }

    [Fact]
    public void TryReadEnvelope_SubscribeAck_IsNotMalformed()
    {
        Assert.True(BinanceFrameParser.TryReadEnvelope("""{"result":null,"id":1}"""u8, out var kind, out _));
        Assert.Equal(BinanceStreamKind.Other, kind);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"stream":"btcusdt@aggTrade","data":{"e":"aggTr""")]
    [InlineData("""{"stream":"btcusdt@aggTrade"}""")]
    [InlineData("[1,2,3]")]
    public void TryReadEnvelope_MalformedFrame_ReturnsFalse(string frame)
    {
        Assert.False(BinanceFrameParser.TryReadEnvelope(Encoding.UTF8.GetBytes(frame), out _, out _));
    }

    [Theory]
    [InlineData("""{"e":"aggTrade","a":"abc","s":"BTCUSDT","p":"1","q":"1","T":5,"m":false}""")]
    [InlineData("""{"e":"aggTrade","a":1,"s":"BTCUSDT","p":"1,5","q":"1","T":5,"m":false}""")]
    [InlineData("""{"e":"aggTrade","a":1,"s":"BTCUSDT","q":"1","T":5,"m":false}""")]
    [InlineData("""{"e":"aggTrade","a":1,"s":"BTCUSDT","p":"1","q":"1","T":5,"m":"no"}""")]
    [InlineData("""{"e":"aggTrade","a":1,"p":"1","q":"1","T":5,"m":false}""")]
    public void TryParseAggTrade_MissingOrBadField_ReturnsFalse(string data)
    {
        Assert.False(BinanceFrameParser.TryParseAggTrade(Encoding.UTF8.GetBytes(data), Btc, out _, out _));
    }

    [Fact]
    public void TryParseAggTrade_UnconfiguredSymbol_ReturnsTrueWithNoSymbol()
    {
        var data = """{"e":"aggTrade","a":1,"s":"ETHUSDT","p":"1","q":"1","T":5,"m":false}"""u8;

        Assert.True(BinanceFrameParser.TryParseAggTrade(data, Btc, out var symbol, out _));
        Assert.Equal(-1, symbol);
    }

    [Fact]
    public void TryParseMarkPrice_RealCapturedFrame_ReadsMarkIndexFundingNextTime()
    {
        var (kind, data) = Envelope(RealFrame("ws/stream_btcusdt_markPrice_1s.json"));

        Assert.Equal(BinanceStreamKind.MarkPrice, kind);
        Assert.True(BinanceFrameParser.TryParseMarkPrice(data, Btc, out _, out var f));
        Assert.Equal(new FundingSnapshot("BTCUSDT", 1791382993000, 83084.3, 83123.65891304, 0.00000078, 1791388800000), f);
    }

    [Fact]
    public void TryParseForceOrder_SpecSample_SellIsLongLiquidationWithApTimesZ()
    {
        const string frame = """{"stream":"stgusdt@forceOrder","data":{"e":"forceOrder","E":1786172557615,"o":{"s":"STGUSDT","S":"SELL","o":"LIMIT","f":"IOC","q":"5","p":"0.1336000","ap":"0.1355000","X":"FILLED","l":"5","z":"5","T":1786172556607,"ps":"STGUSDT","st":1}}}""";
        var (kind, data) = Envelope(frame);

        Assert.Equal(BinanceStreamKind.ForceOrder, kind);
        Assert.True(BinanceFrameParser.TryParseForceOrder(data, new BinanceSymbolTable(["STGUSDT"]), out var symbol, out var liq));
        Assert.Equal(0, symbol);
        Assert.True(liq.IsSell);
        Assert.Equal(1786172556607, liq.TimeMs);
        Assert.Equal(0.1355 * 5, liq.Usd, 12);
    }

    [Fact]
    public void TryParseDepth_RealCapturedFrame_SumsBothSides()
    {
        var (kind, data) = Envelope(RealFrame("ws/stream_btcusdt_depth20_100ms.json"));

        Assert.Equal(BinanceStreamKind.Depth, kind);
        Assert.True(BinanceFrameParser.TryParseDepth(data, Btc, out _, out var time, out var bids, out var asks));
        Assert.Equal(1791382994616, time);
        Assert.Equal(4.215 + 0.200 + 0.002, bids, 12);
        Assert.Equal(3.768 + 0.002 + 0.002, asks, 12);
    }

    [Fact]
    public void OrderBookImbalance_RealDepthFrame_IsBidMinusAskOverTotal()
    {
        var (_, data) = Envelope(RealFrame("ws/stream_btcusdt_depth20_100ms.json"));
        Assert.True(BinanceFrameParser.TryParseDepth(data, Btc, out _, out _, out var bids, out var asks));

        var obi = BinanceFrameParser.OrderBookImbalance(bids, asks);

        Assert.Equal((4.417 - 3.772) / (4.417 + 3.772), obi!.Value, 12);
        Assert.Null(BinanceFrameParser.OrderBookImbalance(0, 0));
    }

    [Fact]
    public void TryParseDepth_SpecDepth10Sample_Parses()
    {
        var data = """{"e":"depthUpdate","E":1791382994616,"T":1791382994613,"s":"BTCUSDT","ps":"BTCUSDT","U":11757092616793,"u":11757092625654,"pu":11757092616661,"b":[["83091.60","4.215"],["83091.50","0.200"]],"a":[["83091.70","3.768"],["83091.80","0.002"]],"st":1}"""u8;

        Assert.True(BinanceFrameParser.TryParseDepth(data, Btc, out _, out _, out var bids, out var asks));
        Assert.Equal((4.415 - 3.770) / (4.415 + 3.770), BinanceFrameParser.OrderBookImbalance(bids, asks)!.Value, 12);
    }

    [Fact]
    public void TryParseDepth_BadLevel_ReturnsFalse()
    {
        Assert.False(BinanceFrameParser.TryParseDepth("""{"s":"BTCUSDT","b":[["x","1"]],"a":[]}"""u8, Btc, out _, out _, out _, out _));
    }

    [Fact]
    public void TryParseBookTicker_RealFuturesFrameAndSpotSample_ReadBidAsk()
    {
        var (kind, data) = Envelope(RealFrame("ws/stream_btcusdt_bookTicker.json"));
        Assert.Equal(BinanceStreamKind.BookTicker, kind);
        Assert.True(BinanceFrameParser.TryParseBookTicker(data, Btc, out _, out var bid, out var ask, out var time));
        Assert.Equal((83091.60, 83091.70, 1791382994658L), (bid, ask, time));

        var spot = """{"u":400900217,"s":"BNBUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"}"""u8;
        Assert.True(BinanceFrameParser.TryParseBookTicker(spot, new BinanceSymbolTable(["BNBUSDT"]), out var s, out bid, out ask, out time));
        Assert.Equal((0, 25.3519, 25.3652, -1L), (s, bid, ask, time));
    }

    [Fact]
    public void SpotPerpDivergence_SpotMidAndMark_IsRelativeDifference()
    {
        var (_, mark) = Envelope(RealFrame("ws/stream_btcusdt_markPrice_1s.json"));
        Assert.True(BinanceFrameParser.TryParseMarkPrice(mark, Btc, out _, out var f));

        var divergence = BinanceFrameParser.SpotPerpDivergence(83090.0, 83092.0, f.MarkPrice);

        Assert.Equal((83091.0 - 83084.3) / 83084.3, divergence!.Value, 12);
        Assert.Null(BinanceFrameParser.SpotPerpDivergence(83090.0, 83092.0, double.NaN));
    }

    [Theory]
    [InlineData("btcusdt@aggTrade", BinanceStreamKind.AggTrade)]
    [InlineData("btcusdt@markPrice@1s", BinanceStreamKind.MarkPrice)]
    [InlineData("btcusdt@forceOrder", BinanceStreamKind.ForceOrder)]
    [InlineData("btcusdt@depth10@100ms", BinanceStreamKind.Depth)]
    [InlineData("bnbusdt@bookTicker", BinanceStreamKind.BookTicker)]
    [InlineData("btcusdt@kline_1m", BinanceStreamKind.Other)]
    [InlineData("!ticker@arr", BinanceStreamKind.Other)]
    public void KindOf_StreamName_MapsTopic(string stream, BinanceStreamKind expected)
    {
        Assert.Equal(expected, BinanceFrameParser.KindOf(Encoding.UTF8.GetBytes(stream)));
    }

    [Fact]
    public void TryReadEnvelope_OtherRealFrames_AreNotMalformed()
    {
        foreach (var file in new[] { "ws/stream_btcusdt_kline_1m.json", "ws/stream_btcusdt_ticker.json", "ws/stream_all_ticker_arr.json", "ws/stream_all_markPrice_arr_1s.json" })
        {
            Assert.True(BinanceFrameParser.TryReadEnvelope(Encoding.UTF8.GetBytes(RealFrame(file)), out _, out _), file);
        }
    }
    [Fact]
    public void TryParseAggTrade_HotPath_AllocatesNothing()
    {
        var frame = Encoding.UTF8.GetBytes(RealFrame("ws/stream_btcusdt_aggTrade.json"));
        var symbols = new BinanceSymbolTable(["ETHUSDT", "BTCUSDT"]);
        long Parse(int n)
        {
            long sum = 0;
            for (var i = 0; i < n; i++)
            {
                BinanceFrameParser.TryReadEnvelope(frame, out _, out var range);
                BinanceFrameParser.TryParseAggTrade(frame.AsSpan(range), symbols, out _, out var trade);
                sum += trade.AggId;
            }

            return sum;
        }

        Parse(100); // warm-up (JIT, number-parsing caches)
        var before = GC.GetAllocatedBytesForCurrentThread();
        var sum = Parse(10_000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(3477868433L * 10_000, sum);
        Assert.Equal(0, allocated);
    }
}
