using System.Text;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.Binance;
using BenchmarkDotNet.Attributes;

namespace ArbitrageEngine.Benchmarks.Market;

/// <summary>The aggTrade hot path of the Binance connector: envelope + data parse of one real-shaped frame (expected: 0 B allocated).</summary>
[MemoryDiagnoser]
public class AggTradeParseBenchmark
{
    private readonly byte[] _frame = Encoding.UTF8.GetBytes("""{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":1791382992488,"a":3477868433,"s":"BTCUSDT","p":"83091.70","q":"0.022","nq":"0.022","f":8153634393,"l":8153634394,"T":1791382992338,"m":false,"st":1}}""");
    private readonly BinanceSymbolTable _symbols = new(["ETHUSDT", "SOLUSDT", "BNBUSDT", "BTCUSDT"]);

    [Benchmark]
    public AggTrade ParseAggTradeFrame()
    {
        BinanceFrameParser.TryReadEnvelope(_frame, out _, out var range);
        BinanceFrameParser.TryParseAggTrade(_frame.AsSpan(range), _symbols, out _, out var trade);
        return trade;
    }
}
