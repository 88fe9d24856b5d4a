using Microsoft.Extensions.DependencyInjection;
using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Web.Components.Detail;
using Bunit;
using MudBlazor.Services;

namespace ArbitrageEngine.Tests.Components.Detail;

public sealed class LayerBarsTests : BunitContext
{
    public LayerBarsTests()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    [Fact]
    public void Render_Layers_ShowsEachScoreOverItsMax()
    {
        var layers = new ScoreLayers(new(30.26, 41.24, 40), new(9.4, 18.77, 15), new(16.7, 25, 10), new(6, 15, 2));

        var cut = Render<LayerBars>(p => p.Add(c => c.Layers, layers));

        Assert.Equal("30.3/41.2", cut.Find("[data-testid=layer-direction-value]").TextContent.Trim());
        Assert.Equal("9.4/18.8", cut.Find("[data-testid=layer-crowding-value]").TextContent.Trim());
        Assert.Equal("16.7/25.0", cut.Find("[data-testid=layer-environment-value]").TextContent.Trim());
        Assert.Equal("6.0/15.0", cut.Find("[data-testid=layer-auxiliary-value]").TextContent.Trim());
    }

    [Fact]
    public void Render_ZeroWeightLayer_ShowsZeroOverZeroWithoutFailing()
    {
        var layers = new ScoreLayers(new(30, 41.25, 40), new(9, 18.75, 15), new(10, 40, 10), new(0, 0, 2));

        var cut = Render<LayerBars>(p => p.Add(c => c.Layers, layers));

        Assert.Equal("0.0/0.0", cut.Find("[data-testid=layer-auxiliary-value]").TextContent.Trim());
    }

    [Fact]
    public void Render_NoLayers_ShowsEmptyState()
    {
        var cut = Render<LayerBars>(p => p.Add(c => c.Layers, null));

        Assert.NotNull(cut.Find("[data-testid=layers-empty]"));
        Assert.Empty(cut.FindAll("[data-testid=layer-direction]"));
    }
}
