using ArbitrageEngine.Engine.Evolve;

namespace ArbitrageEngine.Tests.Engine.Evolve;

public class WeightsTests
{
    [Fact]
    public void Normalised_SumAlready100_Unchanged() =>
        Assert.Equal(new Weights(42, 33, 25, 0), new Weights(38, 32, 28, 2).Plus(new Weights(4, 1, -3, -2)).Normalised());

    [Fact]
    public void Normalised_NegativeAndSum101_NegativeZeroedRemainderToFirst()
    {
        // 38/32/28/2 + range nudge = 37/35/29/-1 → 37/35/29/0 (sum 101) → 36.63, 34.65, 28.71 → 37/35/29 = 101 → first −1.
        Assert.Equal(new Weights(36, 35, 29, 0), new Weights(38, 32, 28, 2).Plus(CandidateGrid.Nudge(MarketRegime.Range)).Normalised());
    }

    [Fact]
    public void Normalised_RoundingShort_RemainderAddedToFirst() =>
        Assert.Equal(new Weights(34, 33, 33, 0), new Weights(1, 1, 1, 0).Normalised());

    [Fact]
    public void Normalised_ExactHalves_RoundHalfToEven() =>
        // 5/8 = 62.5 → 62, 3/8 = 37.5 → 38 (like the reference's round()).
        Assert.Equal(new Weights(62, 38, 0, 0), new Weights(5, 3, 0, 0).Normalised());

    [Fact]
    public void Normalised_AllZeroOrNegative_Fallback55_25_15_5()
    {
        Assert.Equal(new Weights(55, 25, 15, 5), new Weights(0, 0, 0, 0).Normalised());
        Assert.Equal(new Weights(55, 25, 15, 5), new Weights(-3, -1, 0, -2).Normalised());
    }

    [Fact]
    public void Nudge_PerRegime_SpecValues()
    {
        Assert.Equal(new Weights(4, 1, -3, -2), CandidateGrid.Nudge(MarketRegime.Trend));
        Assert.Equal(new Weights(4, 1, -3, -2), CandidateGrid.Nudge(MarketRegime.HighVol));
        Assert.Equal(new Weights(2, 4, -4, -2), CandidateGrid.Nudge(MarketRegime.Crash));
        Assert.Equal(new Weights(-1, 3, 1, -3), CandidateGrid.Nudge(MarketRegime.Range));
    }
}
