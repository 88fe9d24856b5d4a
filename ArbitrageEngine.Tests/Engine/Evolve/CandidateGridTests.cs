using ArbitrageEngine.Engine.Evolve;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Tests.Engine.Evolve;

public class CandidateGridTests
{
    private static readonly string[] Symbols = ["BTCUSDT", "ETHUSDT"];

    private static StrategyDefinition Parent() => StrategyDefinition.CreateDefault("BTCUSDT", "parent") with
    {
        StrategyId = Guid.NewGuid(),
        WeightDirection = 38,
        WeightEnv = 32,
        WeightAux = 28,
        WeightMomentum = 2,
        EntryScore = 75,
        FlipThreshold = 76,
        SlAtrMultiplier = 2.0,
        TimeoutMinutes = 240,
    };

    [Theory]
    [InlineData(MarketRegime.Trend, 144)]
    [InlineData(MarketRegime.HighVol, 144)]
    [InlineData(MarketRegime.Crash, 64)]
    [InlineData(MarketRegime.Range, 144)]
    public void Generate_PerRegime_SpecCountBeforeDedupe(MarketRegime regime, int expected) =>
        Assert.Equal(expected, CandidateGrid.Generate(Parent(), regime).Count);

    [Fact]
    public void Generate_Trend_ProfilesEntriesTimeoutsFromParent()
    {
        var all = CandidateGrid.Generate(Parent(), MarketRegime.Trend);
        Assert.Equal(8, all.Select(c => (c.Strategy.CvdFastWindow, c.Strategy.CvdSlowWindow)).Distinct().Count());
        Assert.Equal([75, 77, 79], all.Select(c => c.Strategy.EntryScore).Distinct().Order());
        Assert.Equal([180, 240], all.Select(c => c.Strategy.TimeoutMinutes).Distinct().Order());
        var aggressive = all.First(c => c.Profile == "aggressive").Strategy;
        Assert.Equal((1.25, 2.7, 2.0), (aggressive.Tp1Ratio, aggressive.Tp2Ratio, aggressive.SlAtrMultiplier));
        var conservative = all.First(c => c.Profile == "conservative").Strategy;
        Assert.Equal((0.8, 1.6, 1.9), (conservative.Tp1Ratio, conservative.Tp2Ratio, conservative.SlAtrMultiplier));
        // Weights nudged (+4, +1, −3, −2) and normalised; flip threshold at least the entry score.
        Assert.All(all, c => Assert.Equal((42, 33, 25, 0), (c.Strategy.WeightDirection, c.Strategy.WeightEnv, c.Strategy.WeightAux, c.Strategy.WeightMomentum)));
        Assert.Equal(79, all.First(c => c.Strategy.EntryScore == 79).Strategy.FlipThreshold);
        Assert.Equal(76, all.First(c => c.Strategy.EntryScore == 75).Strategy.FlipThreshold);
    }

    [Fact]
    public void Generate_Crash_DefensiveStopAndTimeouts()
    {
        var parent = Parent() with { SlAtrMultiplier = 1.5, TimeoutMinutes = 150 };
        var all = CandidateGrid.Generate(parent, MarketRegime.Crash);
        Assert.Equal(1.3, all.First(c => c.Profile == "defensive").Strategy.SlAtrMultiplier);
        Assert.Equal(1.4, all.First(c => c.Profile == "balanced").Strategy.SlAtrMultiplier);
        Assert.Equal([90, 120], all.Select(c => c.Strategy.TimeoutMinutes).Distinct().Order());
        Assert.Equal([78, 80], all.Select(c => c.Strategy.EntryScore).Distinct().Order());
    }

    [Fact]
    public void Generate_Range_TimeoutCappedAt360AndEntryClamped()
    {
        var parent = Parent() with { TimeoutMinutes = 330, EntryScore = 95, FlipThreshold = 95, SlAtrMultiplier = 1.7 };
        var all = CandidateGrid.Generate(parent, MarketRegime.Range);
        Assert.Equal([330, 360], all.Select(c => c.Strategy.TimeoutMinutes).Distinct().Order());
        Assert.Equal([93, 95], all.Select(c => c.Strategy.EntryScore).Distinct().Order());
        Assert.Equal(1.5, all.First(c => c.Profile == "conservative").Strategy.SlAtrMultiplier);
        Assert.Equal(1.6, all.First(c => c.Profile == "balanced").Strategy.SlAtrMultiplier);
        Assert.Equal(1.7, all.First(c => c.Profile == "aggressive").Strategy.SlAtrMultiplier);
    }

    [Fact]
    public void Filter_ClampedEntriesAndEqualTimeouts_DuplicatesDropped()
    {
        // Entry 95 + 0/+2/+4 clamps to 95 three times, timeouts max(120, 60) and 120 are equal: 8 × 3 × 1 × 1 unique.
        var parent = Parent() with { EntryScore = 95, FlipThreshold = 95, TimeoutMinutes = 120 };
        var (kept, dropped) = CandidateGrid.Filter(CandidateGrid.Generate(parent, MarketRegime.Trend), [], Symbols);
        Assert.Equal(24, kept.Count);
        Assert.Equal(120, dropped.Count);
        Assert.All(dropped, d => Assert.Equal("duplicate of another candidate", d.Reason));
    }

    [Fact]
    public void Filter_CandidateEqualsRunningStrategy_Dropped()
    {
        var candidates = CandidateGrid.Generate(Parent(), MarketRegime.Trend);
        var running = candidates[5].Strategy with { StrategyId = Guid.NewGuid(), DisplayName = "already running", Description = "x", Tags = ["t"] };
        var (kept, dropped) = CandidateGrid.Filter(candidates, [running], Symbols);
        Assert.Equal(143, kept.Count);
        Assert.Equal("duplicate of a running strategy", Assert.Single(dropped).Reason);
    }

    [Fact]
    public void Filter_NormalisedWeightOutOfRange_ValidatorRefuses()
    {
        // 20/60/20/0 + range nudge = 19/63/21/−3 → 19/63/21/0 (103) → 18/61/20/0 + 1 → 19/61/20/0: env 61 > 60.
        var parent = Parent() with { WeightDirection = 20, WeightEnv = 60, WeightAux = 20, WeightMomentum = 0 };
        var (kept, dropped) = CandidateGrid.Filter(CandidateGrid.Generate(parent, MarketRegime.Range), [], Symbols);
        Assert.Empty(kept);
        Assert.All(dropped, d => Assert.Contains("weight_env", d.Reason, StringComparison.Ordinal));
    }
}
