using Microsoft.Extensions.DependencyInjection;
using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Web.Components.Detail;
using Bunit;
using MudBlazor.Services;

namespace ArbitrageEngine.Tests.Components.Detail;

public sealed class GateCardTests : BunitContext
{
    private static readonly StrategyDefinition Btc = StrategyDefinition.CreateDefault("BTCUSDT", "b") with { StrategyId = Guid.NewGuid() };

    public GateCardTests()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    private static ScoreResult Result(bool passed, string? block, double atrPctPrice = 0.003, double? obi = 0.12, double? spd = 0.0004,
        double whale = 0.2, double fast = 100, double slow = 200) => new()
    {
        StrategyId = Btc.StrategyId,
        Symbol = "BTCUSDT",
        TimeMs = 1_700_000_000_000,
        Score = passed ? 80 : 0,
        GatePassed = passed,
        GateBlock = block,
        AtrPctPrice = atrPctPrice,
        Obi = obi,
        SpotPerpDiv = spd,
        WhaleCvdRatio = whale,
        CvdFast = fast,
        CvdSlow = slow,
        Layers = new ScoreLayers(new(30, 37.8, 40), new(10, 17.2, 15), new(12, 25, 10), new(5, 15, 2)),
    };

    private IRenderedComponent<GateCard> Render(ScoreResult r, StrategyDefinition s) =>
        Render<GateCard>(p => p.Add(c => c.Result, r).Add(c => c.Strategy, s));

    [Fact]
    public void Render_LowVolBlock_HighlightsVolGateWithValueThresholdAndReason()
    {
        var cut = Render(Result(false, "low_vol(0.0011<0.002)", atrPctPrice: 0.0011), Btc);

        var vol = cut.Find("[data-testid=gate-vol]");
        Assert.Equal("veto", vol.GetAttribute("data-state"));
        Assert.Contains("detail-gate-blocking", vol.ClassName);
        Assert.Equal("0.110%", cut.Find("[data-testid=gate-vol-value]").TextContent.Trim());
        Assert.Equal("≥ 0.200%", cut.Find("[data-testid=gate-vol-threshold]").TextContent.Trim());
        var reason = cut.Find("[data-testid=gate-block-reason]").TextContent;
        Assert.Contains("Volatility too low", reason);
        Assert.Contains("low_vol(0.0011<0.002)", reason);
        // Later gates were never evaluated by the engine.
        Assert.Equal("skipped", cut.Find("[data-testid=gate-cvd]").GetAttribute("data-state"));
        Assert.Equal("not checked", cut.Find("[data-testid=gate-obi-state]").TextContent.Trim());
    }

    [Fact]
    public void Render_ObiVeto_OnlyObiHighlightedEarlierGatesPassed()
    {
        var cut = Render(Result(false, "obi_veto", obi: -0.45), Btc);

        Assert.Equal("passed", cut.Find("[data-testid=gate-vol]").GetAttribute("data-state"));
        Assert.Equal("passed", cut.Find("[data-testid=gate-whale]").GetAttribute("data-state"));
        Assert.Equal("veto", cut.Find("[data-testid=gate-obi]").GetAttribute("data-state"));
        Assert.Equal("-0.45", cut.Find("[data-testid=gate-obi-value]").TextContent.Trim());
        Assert.Equal("±0.30", cut.Find("[data-testid=gate-obi-threshold]").TextContent.Trim());
        Assert.Single(cut.FindAll(".detail-gate-blocking"));
        Assert.Contains("Order-book imbalance", cut.Find("[data-testid=gate-block-reason]").TextContent);
    }

    [Fact]
    public void Render_DisabledGate_ShowsOffAndNoThreshold()
    {
        var cut = Render(Result(true, null), Btc with { GateSpotPerpEnabled = false, GateObiEnabled = false });

        Assert.Equal("off", cut.Find("[data-testid=gate-spot_perp]").GetAttribute("data-state"));
        Assert.Equal("off", cut.Find("[data-testid=gate-spot_perp-value]").TextContent.Trim());
        Assert.Equal("—", cut.Find("[data-testid=gate-spot_perp-threshold]").TextContent.Trim());
        Assert.Equal("off", cut.Find("[data-testid=gate-obi-value]").TextContent.Trim());
    }

    [Fact]
    public void Render_AllPassed_ShowsEveryGatePassedWithValues()
    {
        var cut = Render(Result(true, null), Btc with { GateSpotPerpEnabled = true });

        foreach (var key in GateRows.Keys)
        {
            Assert.Equal("passed", cut.Find($"[data-testid=gate-{key}]").GetAttribute("data-state"));
        }

        Assert.Equal("flow 20.0%", cut.Find("[data-testid=gate-whale-value]").TextContent.Trim());
        Assert.Equal("±50.0%", cut.Find("[data-testid=gate-whale-threshold]").TextContent.Trim());
        Assert.Equal("+4.0 bps", cut.Find("[data-testid=gate-spot_perp-value]").TextContent.Trim());
        Assert.Equal("±0.30%", cut.Find("[data-testid=gate-spot_perp-threshold]").TextContent.Trim());
        Assert.Empty(cut.FindAll(".detail-gate-blocking"));
        Assert.Contains("All gates passed", cut.Find("[data-testid=gate-block-reason]").TextContent);
    }

    [Fact]
    public void Render_NonBtcWhale_ShowsUsdSizeThreshold()
    {
        var eth = StrategyDefinition.CreateDefault("ETHUSDT", "e");
        var cut = Render(Result(false, "whale_adverse"), eth);

        Assert.Equal("≥ $50,000", cut.Find("[data-testid=gate-whale-threshold]").TextContent.Trim());
        Assert.Equal("veto", cut.Find("[data-testid=gate-whale]").GetAttribute("data-state"));
    }

    [Fact]
    public void Render_EmptyResult_ShowsNoEvaluationInsteadOfGates()
    {
        var cut = Render(ScoreResult.Empty(Btc.StrategyId, "BTCUSDT", 1), Btc);

        Assert.NotNull(cut.Find("[data-testid=gate-empty]"));
        Assert.Empty(cut.FindAll("[data-testid=gate-vol]"));
    }
}
