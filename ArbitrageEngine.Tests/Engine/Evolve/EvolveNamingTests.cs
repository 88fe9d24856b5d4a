using ArbitrageEngine.Engine.Evolve;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Tests.Engine.Evolve;

public class EvolveNamingTests
{
    private static readonly DateOnly Date = new(2026, 12, 1);

    [Fact]
    public void BaseName_Btc15x1hBalanced_SpecFormat() =>
        Assert.Equal("evo-BTC_CVD15mx1h_TPbalanced_1201", EvolveNaming.BaseName("BTCUSDT", CvdWindow.M15, CvdWindow.H1, "balanced", Date));

    [Fact]
    public void UniqueName_Free_BaseName()
    {
        var id = Guid.Parse("abcdef12-0000-7000-8000-000000000000");
        Assert.Equal("evo-ETH_CVD5mx4h_TPdefensive_1201", EvolveNaming.UniqueName("evo-ETH_CVD5mx4h_TPdefensive_1201", id, new HashSet<string>()));
    }

    [Fact]
    public void UniqueName_Taken_SuffixFirst4OfId()
    {
        var id = Guid.Parse("abcdef12-0000-7000-8000-000000000000");
        var taken = new HashSet<string> { "evo-ETH_CVD5mx4h_TPdefensive_1201" };
        Assert.Equal("evo-ETH_CVD5mx4h_TPdefensive_1201_abcd", EvolveNaming.UniqueName("evo-ETH_CVD5mx4h_TPdefensive_1201", id, taken));
    }

    [Fact]
    public void Tags_Parent_AutoEvolveAndSourcePrefix()
    {
        var parent = Guid.Parse("0193a1b2-c3d4-7000-8000-000000000000");
        Assert.Equal(["auto-evolve", "source:0193a1b2"], EvolveNaming.Tags(parent));
    }

    [Fact]
    public void Description_LongParentName_AtMost200AndValid()
    {
        var parent = StrategyDefinition.CreateDefault("BTCUSDT", new string('p', 50)) with { StrategyId = Guid.NewGuid() };
        var text = EvolveNaming.Description(parent, MarketRegime.HighVol, 12.3456, 3.21, -1.5);
        Assert.True(text.Length <= 200);
        Assert.Contains("regime high_vol", text, StringComparison.Ordinal);
        Assert.Contains("OOS 3.21 vs parent -1.5", text, StringComparison.Ordinal);
    }

    [Fact]
    public void BeijingDate_UtcAfter16_NextDay() =>
        Assert.Equal(new DateOnly(2026, 12, 1), BeijingTime.DateOf(new DateTimeOffset(2026, 11, 30, 16, 5, 0, TimeSpan.Zero)));
}
