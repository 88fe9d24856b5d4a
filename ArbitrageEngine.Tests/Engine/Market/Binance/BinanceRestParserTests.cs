using System.Text;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.Binance;
using static ArbitrageEngine.Tests.Engine.Market.Binance.BinanceTestSupport;

namespace ArbitrageEngine.Tests.Engine.Market.Binance;

public class BinanceRestParserTests
{
    private static byte[] Real(string file) => Encoding.UTF8.GetBytes(RealFrame(file));

    [Fact]
    public void ParseAggTrades_RealCapture_ReadsRowsIgnoringNq()
    {
        var trades = BinanceRestParser.ParseAggTrades(Real("rest/agg_trades.json"));

        Assert.Equal(
            [
                new AggTrade(3477868380, 1791382990569, 83084.30, 0.002, true),
                new AggTrade(3477868381, 1791382990794, 83084.40, 0.014, false),
                new AggTrade(3477868382, 1791382990860, 83084.30, 0.015, true),
            ],
            trades);
    }

    [Theory]
    [InlineData("""[{"a":1,"p":"x","q":"1","T":1,"m":true}]""")]
    [InlineData("""[{"a":1,"q":"1","T":1,"m":true}]""")]
    [InlineData("""{"a":1}""")]
    [InlineData("""[{"a":1,""")]
    public void ParseAggTrades_Malformed_Throws(string json)
    {
        Assert.Throws<FormatException>(() => BinanceRestParser.ParseAggTrades(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void ParsePremiumIndex_RealCaptureArray_PicksSymbolRow()
    {
        var funding = BinanceRestParser.ParsePremiumIndex(Real("rest/premium_index.json"), "BTCUSDT");

        Assert.Equal(new FundingSnapshot("BTCUSDT", 1791382985000, 83067.3, 83114.69956522, 0.00000078, 1791388800000), funding);
    }

    [Fact]
    public void ParsePremiumIndex_SingleObjectWithStringTimes_Parses()
    {
        var json = """{"symbol":"BTCUSDT","markPrice":"83067.30000000","indexPrice":"83114.69956522","estimatedSettlePrice":"83195.99445417","lastFundingRate":"0.00000078","interestRate":"0.00010000","nextFundingTime":"1791388800000","time":"1791382985000","extra":[1]}"""u8;

        var funding = BinanceRestParser.ParsePremiumIndex(json, "BTCUSDT");

        Assert.Equal(1791388800000, funding.NextFundingTimeMs);
        Assert.Equal(1791382985000, funding.TimeMs);
    }

    [Fact]
    public void ParseFundingRates_RealCaptures_IncludingEmptyMarkPrice()
    {
        var recent = BinanceRestParser.ParseFundingRates(Real("rest/funding_rate.json"));
        var old = BinanceRestParser.ParseFundingRates(Real("rest/funding_rate_2019.json"));

        Assert.Equal(new FundingRateRow("BTCUSDT", 1791331200002, -0.00000743, 85516.50151449), recent[1]);
        Assert.Equal(new FundingRateRow("BTCUSDT", 1568102400000, 0.0001, null), old[0]);
    }

    [Fact]
    public void ParseOpenInterestHist_SpecRow_ReadsValueInUsd()
    {
        var json = """[{"symbol":"BTCUSDT","sumOpenInterest":"94731.04600000","sumOpenInterestValue":"8157280897.95540000","CMCCirculatingSupply":"20094037.00000000","timestamp":1791284400000}]"""u8;

        var row = Assert.Single(BinanceRestParser.ParseOpenInterestHist(json));

        Assert.Equal(new OpenInterestRow("BTCUSDT", 1791284400000, 94731.046, 8157280897.9554), row);
    }

    [Fact]
    public void ParseOpenInterest_RealCaptureNotAnArray_Throws()
    {
        // open_interest.json is /fapi/v1/openInterest (an object), not openInterestHist: rejected, not misread.
        Assert.Throws<FormatException>(() => BinanceRestParser.ParseOpenInterestHist(Real("rest/open_interest.json")));
    }

    [Theory]
    [InlineData("1583139600000")]
    [InlineData("\"1583139600000\"")]
    public void ParseLongShortRatios_NumberOrStringTimestamp_Parses(string timestamp)
    {
        var json = Encoding.UTF8.GetBytes($$"""[{"symbol":"BTCUSDT","longShortRatio":"1.4342","longAccount":"0.5891","shortAccount":"0.4656","timestamp":{{timestamp}}}]""");

        var row = Assert.Single(BinanceRestParser.ParseLongShortRatios(json));

        Assert.Equal(new LongShortRatioRow("BTCUSDT", 1583139600000, 1.4342, 0.5891, 0.4656), row);
    }

    [Fact]
    public void ParseLongShortRatios_MissingField_Throws()
    {
        Assert.Throws<FormatException>(() => BinanceRestParser.ParseLongShortRatios("""[{"symbol":"BTCUSDT","timestamp":1}]"""u8));
    }

    [Fact]
    public void ParseError_Minus4166Body_ReadsCodeAndMessage()
    {
        var (code, message) = BinanceRestParser.ParseError("""{"code":-4166,"msg":"Search window is restricted to recent 2 days only."}"""u8);

        Assert.Equal(BinanceApiException.HistoryWindowCode, code);
        Assert.StartsWith("Search window", message, StringComparison.Ordinal);
    }
}
