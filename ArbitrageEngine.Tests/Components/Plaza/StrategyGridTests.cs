using ArbitrageEngine.Web.Components.Plaza;
using ArbitrageEngine.Web.Strategies;
using Bunit;
using Microsoft.AspNetCore.Components;
using static ArbitrageEngine.Tests.Components.Plaza.PlazaSamples;

namespace ArbitrageEngine.Tests.Components.Plaza;

public sealed class StrategyGridTests : MudTestContext
{
    public StrategyGridTests() => SetRendererInfo(new RendererInfo("Server", isInteractive: true));

    [Fact]
    public void Render_Prerendering_ShowsTheFirstRowsWithoutVirtualization()
    {
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        var items = Enumerable.Range(0, 1_000).Select(i => Summary($"s{i:0000}")).ToList();

        var cut = Render<StrategyGrid>(p => p.Add(g => g.Items, items));

        var cards = cut.FindAll("[data-testid=strategy-card]");
        Assert.Equal(StrategyGrid.PrerenderRows * StrategyGrid.CardsPerRow, cards.Count);
        Assert.Equal("s0000", cards[0].QuerySelector("[data-testid=strategy-name]")!.TextContent.Trim());
    }

    [Fact]
    public void Render_ThousandStrategies_RendersOnlyAWindowOfCards()
    {
        var items = Enumerable.Range(0, 1_000).Select(i => Summary($"s{i:0000}")).ToList();

        var cut = Render<StrategyGrid>(p => p.Add(g => g.Items, items));

        var cards = cut.FindAll("[data-testid=strategy-card]");
        // The first render is not yet measured: at most MaxRows plus overscan on both sides, far below 1,000.
        Assert.InRange(cards.Count, 1, (StrategyGrid.MaxRows + (2 * StrategyGrid.OverscanRows)) * StrategyGrid.CardsPerRow);
        Assert.Equal("s0000", cards[0].QuerySelector("[data-testid=strategy-name]")!.TextContent.Trim());
    }

    [Fact]
    public void Render_Cards_GroupedThreePerRowInOrder()
    {
        var items = Enumerable.Range(0, 4).Select(i => Summary($"s{i}")).ToList();

        var cut = Render<StrategyGrid>(p => p.Add(g => g.Items, items));

        var rows = cut.FindAll(".plaza-row");
        Assert.Equal(2, rows.Count);
        Assert.Equal(3, rows[0].QuerySelectorAll("[data-testid=strategy-card]").Length);
        Assert.Equal(["s0", "s1", "s2", "s3"], cut.FindAll("[data-testid=strategy-name]").Select(e => e.TextContent.Trim()));
    }

    [Fact]
    public void Click_CompareCheckbox_ReportsTheStrategyAndState()
    {
        var items = new List<StrategySummary> { Summary("a") };
        (Guid Id, bool Selected)? change = null;

        var cut = Render<StrategyGrid>(p => p.Add(g => g.Items, items).Add(g => g.Selectable, true).Add(g => g.OnSelect, c => change = c));
        cut.Find("input[data-testid=compare-select]").Change(true);

        Assert.Equal((items[0].Id, true), change);
    }
}
