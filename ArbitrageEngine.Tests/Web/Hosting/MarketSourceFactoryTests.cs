using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.Binance;
using ArbitrageEngine.Engine.Market.Simulated;
using ArbitrageEngine.Web.Hosting.Market;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Tests.Web.Hosting;

public class MarketSourceFactoryTests
{
    private static MarketSourceFactory Factory(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false)
            .AddInMemoryCollection(settings)
            .Build();
        var options = configuration.GetSection(MarketOptions.SectionName).Get<MarketOptions>()!;
        return new MarketSourceFactory(Options.Create(options), configuration, new MarketClock(TimeProvider.System, 1), NullLoggerFactory.Instance);
    }

    [Fact]
    public void Create_DefaultAppSettings_IsTheSimulatedMarket()
    {
        var source = Factory([]).Create(new Dictionary<string, AggTrade>());

        Assert.IsType<SimulatedMarketSource>(source);
        Assert.Equal(["BTCUSDT", "ETHUSDT", "XRPUSDT", "SOLUSDT"], source!.Symbols);
    }

    [Fact]
    public void Create_SourceBinance_IsTheLiveConnectorResumingFromStoredIds()
    {
        using var source = Factory(new() { ["Market:Source"] = "Binance", ["Market:Binance:RestBaseUrl"] = "http://127.0.0.1:1" })
            .Create(new Dictionary<string, AggTrade> { ["BTCUSDT"] = new(42, 1, 60_000, 1, false) }) as BinanceMarketSource;

        Assert.NotNull(source);
        Assert.Equal("binance", source.Name);
        Assert.Contains("BTCUSDT", source.Symbols);
    }

    [Fact]
    public void Create_SourceNone_IsNull() => Assert.Null(Factory(new() { ["Market:Source"] = "None" }).Create(new Dictionary<string, AggTrade>()));

    [Fact]
    public void Create_SimulatedWithStoredHistory_ResumesIt()
    {
        var source = (SimulatedMarketSource)Factory([]).Create(new Dictionary<string, AggTrade> { ["ETHUSDT"] = new(777, 5_000, 3_100, 1, true) })!;

        Assert.Equal(new SimulatedResume(3_100, 777, 5_000), source.Resume!["ETHUSDT"]);
    }
}
