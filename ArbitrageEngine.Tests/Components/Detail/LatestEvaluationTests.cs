using Microsoft.Extensions.DependencyInjection;
using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Web.Components.Detail;
using Bunit;
using MudBlazor.Services;

namespace ArbitrageEngine.Tests.Components.Detail;

public sealed class LatestEvaluationTests : BunitContext
{
    public LatestEvaluationTests()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    private IRenderedComponent<LatestEvaluation> Render(double atrPct, double price, double fast, double slow) =>
        Render<LatestEvaluation>(p => p
            .Add(c => c.Strategy, StrategyDefinition.CreateDefault("BTCUSDT", "b"))
            .Add(c => c.Result, new ScoreResult
            {
                Symbol = "BTCUSDT",
                TimeMs = 1_700_000_000_000,
                Score = 72.4,
                GatePassed = true,
                CvdFast = fast,
                CvdSlow = slow,
                CvdFastSlope = 3,
                Atr = 250,
                AtrPct = atrPct,
                Vwap = 50_000,
                Price = price,
                Layers = new ScoreLayers(new(30, 41, 40), new(10, 19, 15), new(12, 25, 10), new(5, 15, 2)),
            }));

    [Fact]
    public void Render_HotAtrAndPriceAboveVwap_ShowsFlameAboveAndLongResonance()
    {
        var cut = Render(atrPct: 75, price: 50_100, fast: 1_500, slow: 2_500_000);

        Assert.Equal("72.4", cut.Find("[data-testid=latest-score]").TextContent.Trim());
        Assert.Equal("11-15 06:13:20", cut.Find("[data-testid=latest-time]").TextContent.Trim());
        var atr = cut.Find("[data-testid=latest-atr]");
        Assert.Contains("🔥", atr.TextContent);
        Assert.Contains("detail-hot", atr.ClassName);
        Assert.Contains("above", cut.Find("[data-testid=latest-vwap]").TextContent);
        Assert.Equal("long resonance", cut.Find("[data-testid=latest-resonance]").TextContent.Trim());
        Assert.Contains("1.5K ↑", cut.Find("[data-testid=latest-cvd-fast]").TextContent);
        Assert.Contains("2.5M", cut.Find("[data-testid=latest-cvd-slow]").TextContent);
    }

    [Fact]
    public void Render_CoolAtrPriceBelowVwapDisagreeingCvd_ShowsNoFlameBelowDivergence()
    {
        var cut = Render(atrPct: 60, price: 49_900, fast: -10, slow: 20);

        Assert.DoesNotContain("🔥", cut.Find("[data-testid=latest-atr]").TextContent);
        Assert.Contains("below", cut.Find("[data-testid=latest-vwap]").TextContent);
        Assert.Equal("divergence", cut.Find("[data-testid=latest-resonance]").TextContent.Trim());
        Assert.Equal("none 不开仓", cut.Find("[data-testid=latest-tier]").TextContent.Replace("tier", "").Trim());
    }
}
