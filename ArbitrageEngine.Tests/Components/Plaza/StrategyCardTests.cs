using ArbitrageEngine.Web.Components.Formatting;
using Microsoft.AspNetCore.Components;
using ArbitrageEngine.Web.Components.Plaza;
using ArbitrageEngine.Web.Strategies;
using Bunit;
using static ArbitrageEngine.Tests.Components.Plaza.PlazaSamples;

namespace ArbitrageEngine.Tests.Components.Plaza;

public sealed class StrategyCardTests : MudTestContext
{
    private static readonly long Now = Created.AddDays(2).AddHours(3).ToUnixTimeMilliseconds();

    private IRenderedComponent<StrategyCard> Card(StrategySummary summary, bool deprecated = false) =>
        Render<StrategyCard>(p => p.Add(c => c.Summary, summary).Add(c => c.NowMs, Now).Add(c => c.Deprecated, deprecated));

    private string Classes(IRenderedComponent<StrategyCard> cut, string testId) =>
        cut.Find($"[data-testid={testId}]").GetAttribute("class") ?? "";

    [Theory]
    [InlineData(10, 5, "mud-success-text")] // 50 %: green
    [InlineData(20, 11, "mud-success-text")]
    [InlineData(100, 49, "mud-warning-text")] // 49 %: amber
    [InlineData(20, 9, "mud-warning-text")] // exactly 45 %: amber
    [InlineData(100, 44, "mud-error-text")] // 44 %: red
    public void Render_WinRate_UsesThresholds50And45(int trades, int wins, string expectedClass)
    {
        var cut = Card(Summary(trades: trades, wins: wins));

        Assert.Contains(expectedClass, Classes(cut, "win-rate"));
    }

    [Fact]
    public void Render_NoTrades_ShowsNeutralDashForWinRate()
    {
        var cut = Card(Summary(trades: 0, wins: 0));

        var winRate = cut.Find("[data-testid=win-rate]");
        Assert.Equal("—", winRate.TextContent.Trim());
        Assert.DoesNotContain("mud-error-text", winRate.GetAttribute("class") ?? "");
    }

    [Theory]
    [InlineData(10_000, 10_000, "pos", "100.0%")]
    [InlineData(10_000, 12_500, "pos", "125.0%")]
    [InlineData(10_000, 9_990, "neg", "99.9%")]
    public void Render_BalanceBar_GreenAtOrAbove100PercentRedBelow(double initial, double current, string tone, string text)
    {
        var cut = Card(Summary(initial: initial, current: current));

        Assert.Equal(tone, cut.Find("[data-testid=balance-bar]").GetAttribute("data-tone"));
        Assert.Contains(tone == "pos" ? "mud-progress-linear-color-success" : "mud-progress-linear-color-error", cut.Find("[data-testid=balance-bar]").GetAttribute("class"));
        var pct = cut.Find("[data-testid=balance-pct]");
        Assert.Equal(text, pct.TextContent.Trim());
        Assert.Contains($"pnl-{tone}", pct.GetAttribute("class"));
    }

    [Theory]
    [InlineData(123.0, "+123 U", "pnl-pos")]
    [InlineData(-45.6, "-45.6 U", "pnl-neg")]
    [InlineData(0.0, "0.0 U", "pnl-zero")]
    public void Render_NetUsdt_SignedAndColouredBySign(double netUsdt, string text, string cssClass)
    {
        var cut = Card(Summary(netUsdt: netUsdt));

        var net = cut.Find("[data-testid=net-usdt]");
        Assert.Equal(text, net.TextContent.Trim());
        Assert.Contains(cssClass, net.GetAttribute("class"));
    }

    [Fact]
    public void Render_NetRAnd24h_SignedAndColoured()
    {
        var cut = Card(Summary(netR: -1.5, pnl24h: 12.3));

        Assert.Equal("-1.50R", cut.Find("[data-testid=net-r]").TextContent.Trim());
        Assert.Contains("pnl-neg", Classes(cut, "net-r"));
        Assert.Equal("24h +12.3 U", cut.Find("[data-testid=pnl-24h]").TextContent.Trim());
        Assert.Contains("pnl-pos", Classes(cut, "pnl-24h"));
    }

    [Theory]
    [InlineData("running", "mud-chip-color-success")]
    [InlineData("paused", "mud-chip-color-warning")]
    [InlineData("error", "mud-chip-color-error")]
    public void Render_StatusBadge_ColourPerStatus(string status, string expectedClass)
    {
        var cut = Card(Summary(status: status));

        var badge = cut.Find("[data-testid=strategy-status]");
        Assert.Equal(status, badge.TextContent.Trim());
        Assert.Contains(expectedClass, badge.GetAttribute("class"));
    }

    [Fact]
    public void Render_OpenPositions_ShowsAmberCountInsteadOfLastTrade()
    {
        var cut = Card(Summary(openPositions: 2, lastExitMs: Created.ToUnixTimeMilliseconds()));

        Assert.Equal("2 open", cut.Find("[data-testid=open-positions]").TextContent.Trim());
        Assert.Contains("plaza-open", Classes(cut, "open-positions"));
        Assert.Empty(cut.FindAll("[data-testid=last-trade]"));
    }

    [Fact]
    public void Render_NoOpenPositions_ShowsLastTradeTimeInBeijingTime()
    {
        // 2026-11-20 00:00 UTC = 11-20 08:00 in Beijing.
        var cut = Card(Summary(openPositions: 0, lastExitMs: Created.ToUnixTimeMilliseconds()));

        Assert.Empty(cut.FindAll("[data-testid=open-positions]"));
        Assert.Equal("last trade 11-20 08:00", cut.Find("[data-testid=last-trade]").TextContent.Trim());
    }

    [Fact]
    public void Render_UtcChosen_ShowsLastTradeTimeInUtc()
    {
        var summary = Summary(openPositions: 0, lastExitMs: Created.ToUnixTimeMilliseconds());
        var cut = Render<CascadingValue<TimeZoneChoice>>(p => p
            .Add(c => c.Value, new TimeZoneChoice(true))
            .AddChildContent<StrategyCard>(card => card.Add(c => c.Summary, summary).Add(c => c.NowMs, Now)));

        Assert.Equal("last trade 11-20 00:00", cut.Find("[data-testid=last-trade]").TextContent.Trim());
    }

    [Fact]
    public void Render_NeverTraded_SaysNoTradesYet()
    {
        var cut = Card(Summary(trades: 0, wins: 0));

        Assert.Equal("no trades yet", cut.Find("[data-testid=last-trade]").TextContent.Trim());
    }

    [Fact]
    public void Render_Fields_ShowNameLinkSymbolRunningTimeBalanceAndAverages()
    {
        var summary = Summary("BTC fast", current: 10_250.5);
        var cut = Card(summary);

        var link = cut.Find("[data-testid=strategy-name]");
        Assert.Equal($"/plaza/{summary.Id}", link.GetAttribute("href"));
        Assert.Equal("BTC fast", link.TextContent.Trim());
        Assert.Equal("BTCUSDT", cut.Find("[data-testid=strategy-symbol]").TextContent.Trim());
        Assert.Contains("2d 3h", cut.Find("[data-testid=running-time]").TextContent);
        Assert.Equal("10,250.50 USDT", cut.Find("[data-testid=current-balance]").TextContent.Trim());
        Assert.Contains("+1.20R", cut.Find("[data-testid=avg-win]").TextContent);
        Assert.Contains("-0.80R", cut.Find("[data-testid=avg-loss]").TextContent);
        Assert.Equal("10", cut.Find("[data-testid=trade-count]").TextContent.Trim());
        Assert.Equal(summary.Id.ToString(), cut.Find("[data-testid=strategy-card]").GetAttribute("data-strategy-id"));
    }

    [Fact]
    public void Render_Running_OffersPauseEditAddBalanceDeprecateButNotResume()
    {
        var summary = Summary(status: "running");
        var cut = Card(summary);

        Assert.Single(cut.FindAll("[data-testid=action-pause]"));
        Assert.Empty(cut.FindAll("[data-testid=action-resume]"));
        Assert.Single(cut.FindAll("[data-testid=action-add-balance]"));
        Assert.Single(cut.FindAll("[data-testid=action-deprecate]"));
        Assert.Equal($"/plaza/{summary.Id}/edit", cut.Find("[data-testid=action-edit]").GetAttribute("href"));
        Assert.Empty(cut.FindAll("[data-testid=action-restore]"));
    }

    [Fact]
    public void Render_Paused_OffersResumeNotPause()
    {
        var cut = Card(Summary(status: "paused"));

        Assert.Single(cut.FindAll("[data-testid=action-resume]"));
        Assert.Empty(cut.FindAll("[data-testid=action-pause]"));
    }

    [Fact]
    public void Render_Deprecated_GreyedWithTimeAndOnlyRestore()
    {
        var cut = Card(Summary(status: "deprecated", deprecatedAt: Created), deprecated: true);

        Assert.Contains("plaza-card-deprecated", Classes(cut, "strategy-card"));
        Assert.Equal("deprecated 11-20 08:00", cut.Find("[data-testid=deprecated-at]").TextContent.Trim());
        Assert.Single(cut.FindAll("[data-testid=action-restore]"));
        Assert.Empty(cut.FindAll("[data-testid=action-edit]"));
        Assert.Empty(cut.FindAll("[data-testid=action-deprecate]"));
    }

    [Fact]
    public void Click_Pause_InvokesCallbackWithThatStrategy()
    {
        StrategySummary? paused = null;
        var summary = Summary();
        var cut = Render<StrategyCard>(p => p.Add(c => c.Summary, summary).Add(c => c.OnPause, s => paused = s));

        cut.Find("[data-testid=action-pause]").Click();

        Assert.Same(summary, paused);
    }
}
