using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Tests.Engine.Strategies;

public class StrategyValidatorTests
{
    private static readonly string[] Symbols = ["BTCUSDT", "ETHUSDT"];

    private static StrategyDefinition Valid() => StrategyDefinition.CreateDefault("BTCUSDT", "valid one");

    [Fact]
    public void Validate_Defaults_HaveNoErrors() => Assert.Empty(StrategyValidator.Validate(Valid(), Symbols));

    public static TheoryData<string, Func<StrategyDefinition, StrategyDefinition>> Invalid => new()
    {
        { "display_name", s => s with { DisplayName = "   " } },
        { "display_name", s => s with { DisplayName = new string('x', 51) } },
        { "description", s => s with { Description = new string('x', 201) } },
        { "symbol", s => s with { Symbol = "DOGEUSDT" } },
        { "cvd_fast_window", s => s with { CvdFastWindow = CvdWindow.H1 } },
        { "cvd_slow_window", s => s with { CvdSlowWindow = CvdWindow.M5 } },
        { "cvd_slow_window", s => s with { CvdFastWindow = CvdWindow.M30, CvdSlowWindow = CvdWindow.M30 } },
        { "weight_direction", s => s with { WeightDirection = 81, WeightEnv = 5, WeightAux = 9, WeightMomentum = 5 } },
        { "weight_env", s => s with { WeightEnv = 4 } },
        { "weight_aux", s => s with { WeightAux = 41 } },
        { "weight_momentum", s => s with { WeightMomentum = 21 } },
        { "weights", s => s with { WeightDirection = 56 } },
        { "entry_score", s => s with { EntryScore = 59 } },
        { "flip_threshold", s => s with { FlipThreshold = 96 } },
        { "vol_atr_pct_min", s => s with { VolAtrPctMin = 0.03 } },
        { "whale_usd_threshold", s => s with { WhaleUsdThreshold = 999 } },
        { "whale_flow_pct", s => s with { WhaleFlowPct = 1.1 } },
        { "obi_threshold", s => s with { ObiThreshold = 0.05 } },
        { "spot_perp_threshold", s => s with { SpotPerpThreshold = 0.02 } },
        { "sl_atr_multiplier", s => s with { SlAtrMultiplier = double.NaN } },
        { "tp1_ratio", s => s with { Tp1Ratio = 0.2 } },
        { "tp2_ratio", s => s with { Tp2Ratio = 4.5 } },
        { "tp2_ratio", s => s with { Tp1Ratio = 1.5, Tp2Ratio = 1.5 } },
        { "timeout_minutes", s => s with { TimeoutMinutes = 29 } },
        { "initial_balance", s => s with { InitialBalance = 999 } },
        { "direction", s => s with { Direction = (DirectionRestriction)7 } },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Validate_InvalidField_ReportsThatField(string field, Func<StrategyDefinition, StrategyDefinition> mutate)
    {
        var errors = StrategyValidator.Validate(mutate(Valid()), Symbols);

        Assert.Contains(field, errors.Keys);
        Assert.All(errors[field], m => Assert.False(string.IsNullOrWhiteSpace(m)));
    }

    [Fact]
    public void Validate_WeightsNotSummingToHundred_SaysTheSum()
    {
        var errors = StrategyValidator.Validate(Valid() with { WeightDirection = 60 }, Symbols);

        Assert.Contains("105", errors["weights"][0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BTCUSDT", 0.002, 100_000, 0.30, 0.003)]
    [InlineData("ETHUSDT", 0.003, 50_000, 0.35, 0.005)]
    [InlineData("SOLUSDT", 0.004, 20_000, 0.45, 0.008)]
    [InlineData("XRPUSDT", 0.0025, 30_000, 0.40, 0.006)]
    [InlineData("ADAUSDT", 0.002, 50_000, 0.35, 0.005)]
    public void CreateDefault_PerSymbol_UsesRecommendedGates(string symbol, double vol, double whale, double obi, double spd)
    {
        var s = StrategyDefinition.CreateDefault(symbol);

        Assert.Equal((vol, whale, 0.5, obi, spd), (s.VolAtrPctMin, s.WhaleUsdThreshold, s.WhaleFlowPct, s.ObiThreshold, s.SpotPerpThreshold));
        Assert.False(s.GateSpotPerpEnabled);
    }
}
