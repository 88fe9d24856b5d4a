using ArbitrageEngine.Engine.Market.Binance;
using ArbitrageEngine.Web.Hosting.Market;

namespace ArbitrageEngine.Tests.Web.Hosting;

public class BinanceOptionsValidationTests
{
    [Fact]
    public void Validate_Defaults_Succeed() =>
        Assert.True(new BinanceOptionsValidation().Validate(null, new BinanceOptions()).Succeeded);

    [Fact]
    public void Validate_WrongSchemesAndZeroTimeouts_FailWithEveryKeyNamed()
    {
        var result = new BinanceOptionsValidation().Validate(null, new BinanceOptions
        {
            RestBaseUrl = new Uri("wss://fapi.binance.com"),
            MarketStreamUrl = new Uri("https://fstream.binance.com/market/stream"),
            SilenceTimeout = TimeSpan.Zero,
            AggTradesPageLimit = 5000,
        });

        Assert.True(result.Failed);
        Assert.Contains("RestBaseUrl", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("MarketStreamUrl", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("SilenceTimeout", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("AggTradesPageLimit", result.FailureMessage, StringComparison.Ordinal);
    }
}
