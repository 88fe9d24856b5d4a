using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Web.Components.StrategyForm;

namespace ArbitrageEngine.Tests.Components.StrategyForm;

public sealed class StrategyFormModelTests
{
    [Fact]
    public void ToDefinition_EditWithChangedFixedFields_KeepsStoredSymbolBalancesAndHiddenFields()
    {
        var existing = StrategyDefinition.CreateDefault("ETHUSDT", "Old") with
        {
            StrategyId = Guid.NewGuid(),
            Status = StrategyStatus.Paused,
            InitialBalance = 5_000,
            CurrentBalance = 6_500,
            Tags = ["factory"],
            Options = ScoringOptions.None with { AccelIndependent = ScoringOptions.None.AccelIndependent with { Enabled = true } },
        };
        var model = StrategyFormModel.ForEdit(existing);
        model.InitialBalance = 99_000;
        model.DisplayName = "New name";
        model.CvdSlowWindow = CvdWindow.H1;

        var draft = model.ToDefinition();

        Assert.Equal(existing with { DisplayName = "New name", CvdSlowWindow = CvdWindow.H1 }, draft with { Tags = existing.Tags });
        Assert.Same(existing.Tags, draft.Tags);
    }

    [Fact]
    public void ToDefinition_Create_UsesChosenSymbolAndBalanceForBoth()
    {
        var model = StrategyFormModel.ForCreate("BTCUSDT");
        model.ChangeSymbol("XRPUSDT");
        model.InitialBalance = 2_000;

        var draft = model.ToDefinition();

        Assert.Equal("XRPUSDT", draft.Symbol);
        Assert.Equal(2_000, draft.InitialBalance);
        Assert.Equal(2_000, draft.CurrentBalance);
        Assert.Equal(0.0025, draft.VolAtrPctMin);
        Assert.Equal(30_000, draft.WhaleUsdThreshold);
    }

    [Fact]
    public void ChangeSymbol_UnknownSymbol_UsesOtherRecommendation()
    {
        var model = StrategyFormModel.ForCreate("BTCUSDT");

        model.ChangeSymbol("DOGEUSDT");

        Assert.Equal(RecommendedGates.Other.ObiThreshold, model.ObiThreshold);
        Assert.Equal(RecommendedGates.Other.WhaleUsdThreshold, model.WhaleUsdThreshold);
    }
}
