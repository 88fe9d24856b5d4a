using ArbitrageEngine.Engine.Evolve;

namespace ArbitrageEngine.Tests.Engine.Evolve;

public class SelectionTests
{
    private static ProvenCandidate P(int index, double train, double test) => new(index, new(train, 12, 0, 0), new(test, 12, 0, 0));

    private static readonly ProvenCandidate[] Four = [P(0, 5, 1), P(1, 4, 2), P(2, 3, 10), P(3, 1, 0.5)];

    [Fact]
    public void Choose_BestOosAmongTopByIs_ChosenAndReasons()
    {
        var result = Selection.Choose(Four, parentTestFitness: 0.5, top: 2);
        Assert.Equal(1, result.ChosenIndex);
        Assert.Equal("not in the top 2 by IS fitness", result.Refusals[2]);
        Assert.Equal("lower OOS fitness than the chosen one", result.Refusals[0]);
        Assert.False(result.Refusals.ContainsKey(1));
    }

    [Fact]
    public void Choose_ParentBetterOos_NothingChosen()
    {
        var result = Selection.Choose(Four, parentTestFitness: 3, top: 2);
        Assert.Null(result.ChosenIndex);
        Assert.Equal("OOS fitness ≤ parent's OOS fitness", result.Refusals[1]);
        Assert.Contains("parent", result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Choose_OosNotPositive_NothingChosen()
    {
        var result = Selection.Choose([P(0, 5, 0), P(1, 4, -2)], parentTestFitness: -10, top: 10);
        Assert.Null(result.ChosenIndex);
        Assert.Equal("OOS fitness ≤ 0", result.Refusals[0]);
        Assert.Equal("OOS fitness ≤ 0", result.Refusals[1]);
    }

    [Fact]
    public void Choose_NoCandidates_NothingChosen() => Assert.Null(Selection.Choose([], 0, 10).ChosenIndex);
}
