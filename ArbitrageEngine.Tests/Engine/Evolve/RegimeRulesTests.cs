using ArbitrageEngine.Engine.Evolve;

namespace ArbitrageEngine.Tests.Engine.Evolve;

public class RegimeRulesTests
{
    [Theory]
    [InlineData(85, 0, 0, MarketRegime.Crash)]
    [InlineData(99, 100, 1, MarketRegime.Crash)]
    [InlineData(84.99, 100, 1, MarketRegime.HighVol)]
    [InlineData(70, 0, 0, MarketRegime.HighVol)]
    [InlineData(69.99, 30, 0.02, MarketRegime.Trend)]
    [InlineData(10, 45, 0.5, MarketRegime.Trend)]
    [InlineData(69.99, 29.99, 0.5, MarketRegime.Range)]
    [InlineData(50, 30, 0.0199, MarketRegime.Range)]
    [InlineData(0, 0, 0, MarketRegime.Range)]
    public void Classify_Thresholds_SpecRegime(double atrPct, double slope, double signalRate, MarketRegime expected) =>
        Assert.Equal(expected, RegimeRules.Classify(atrPct, slope, signalRate));

    [Fact]
    public void Name_HighVol_SnakeCase() => Assert.Equal("high_vol", MarketRegime.HighVol.Name());
}
