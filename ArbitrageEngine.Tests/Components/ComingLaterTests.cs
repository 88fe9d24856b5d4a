using Microsoft.Extensions.DependencyInjection;
using ArbitrageEngine.Web.Components.Shared;
using Bunit;
using MudBlazor.Services;

namespace ArbitrageEngine.Tests.Components;

public sealed class ComingLaterTests : BunitContext
{
    public ComingLaterTests()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    [Fact]
    public void Render_WithTitle_ShowsTitleAndPlaceholderOnly()
    {
        var cut = Render<ComingLater>(p => p.Add(c => c.Title, "Backtest"));

        Assert.Contains("Backtest", cut.Markup);
        Assert.Equal("Coming in a later version.", cut.Find("[data-testid=coming-later]").TextContent.Trim());
    }
}
