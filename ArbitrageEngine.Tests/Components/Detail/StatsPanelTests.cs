using Microsoft.Extensions.DependencyInjection;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Web.Components.Detail;
using Bunit;
using MudBlazor.Services;

namespace ArbitrageEngine.Tests.Components.Detail;

public sealed class StatsPanelTests : BunitContext
{
    private const long Now = 1_700_000_000_000;

    public StatsPanelTests()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    private static ClosedTrade Trade(TradeDirection dir, PositionStatus status, double r, double score = 78, long exitOffsetMs = 0) =>
        new(Guid.Empty, "BTCUSDT", dir, score, status, Now - 3_600_000 + exitOffsetMs - 600_000, Now - 3_600_000 + exitOffsetMs, r, r * 200, r + 0.05, 0.05);

    private static readonly ClosedTrade[] Trades =
    [
        Trade(TradeDirection.Long, PositionStatus.Tp, 1.0, 82, 0),
        Trade(TradeDirection.Long, PositionStatus.Sl, -1.0, 76, 1000),
        Trade(TradeDirection.Short, PositionStatus.SlBe, 0.5, 90, 2000),
    ];

    private IRenderedComponent<StatsPanel> Render(IReadOnlyList<ClosedTrade> trades) =>
        Render<StatsPanel>(p => p.Add(c => c.Trades, trades).Add(c => c.NowMs, Now));

    private string Text(IRenderedComponent<StatsPanel> cut, string id) => cut.Find($"[data-testid={id}]").TextContent.Trim();

    [Fact]
    public void Render_TotalTab_ShowsFiguresOfAllTrades()
    {
        var cut = Render(Trades);

        Assert.Equal("66.7% (2/3)", Text(cut, "stats-win-rate"));
        Assert.Equal("3", Text(cut, "stats-count"));
        Assert.Equal("+0.75R", Text(cut, "stats-avg-win"));
        Assert.Equal("-1.00R", Text(cut, "stats-avg-loss"));
        Assert.Equal("0.75", Text(cut, "stats-win-loss-ratio"));
        Assert.Equal("1.50", Text(cut, "stats-profit-factor"));
        Assert.Equal("-1.00R", Text(cut, "stats-max-drawdown"));
        Assert.StartsWith("+0.50R", Text(cut, "stats-total-r"));
        Assert.Equal("50.0% (2)", Text(cut, "stats-long-win-rate"));
        Assert.Equal("100.0% (1)", Text(cut, "stats-short-win-rate"));
    }

    [Fact]
    public void ClickCoinTab_Render_ShowsOnlyThatCoinsTrades()
    {
        ClosedTrade[] mixed = [.. Trades, Trades[0] with { Symbol = "ETHUSDT", PnlR = 2 }];
        var cut = Render(mixed);

        Assert.Equal("4", cut.Find("[data-testid=stats-coin-ALL]").GetAttribute("data-count"));
        cut.Find("[data-testid=stats-coin-ETH]").Click();

        Assert.Equal("1", Text(cut, "stats-count"));
        cut.Find("[data-testid=stats-coin-XRP]").Click();
        Assert.NotNull(cut.Find("[data-testid=stats-empty]"));
    }

    [Fact]
    public void ClickShortTab_Render_ShowsOnlyShortTrades()
    {
        var cut = Render(Trades);

        cut.Find("[data-testid=stats-tab-short]").Click();

        Assert.Equal("1", Text(cut, "stats-count"));
        Assert.Equal("100.0% (1/1)", Text(cut, "stats-win-rate"));
        Assert.Equal("—", Text(cut, "stats-profit-factor"));
        Assert.Equal("—", Text(cut, "stats-win-loss-ratio"));
    }

    [Fact]
    public void ClickLongTab_Render_ShowsOnlyLongTrades()
    {
        var cut = Render(Trades);

        cut.Find("[data-testid=stats-tab-long]").Click();

        Assert.Equal("2", Text(cut, "stats-count"));
        Assert.Equal("50.0% (1/2)", Text(cut, "stats-win-rate"));
    }

    [Fact]
    public void Render_ExitStatuses_ShowBadgesWithLabelsForStatusesThatOccurred()
    {
        var cut = Render(Trades);

        var rows = cut.FindAll("[data-testid=stats-status-row]");
        Assert.Equal(new[] { "tp", "sl", "sl_be" }, rows.Select(r => r.GetAttribute("data-status") ?? "").ToArray());
        var badges = cut.FindAll("[data-testid=stats-status-row] [data-testid=exit-badge]");
        Assert.Equal("tp 止盈", badges[0].TextContent.Trim());
        Assert.Contains("detail-exit-tp", badges[0].ClassName);
        Assert.Equal("sl 止损", badges[1].TextContent.Trim());
        Assert.Equal("sl_be 保本", badges[2].TextContent.Trim());
    }

    [Fact]
    public void Render_ScoreBucketsAndHours_CountTrades()
    {
        var cut = Render(Trades);

        var buckets = cut.FindAll("[data-testid=stats-score-row]").Select(r => r.GetAttribute("data-bucket") ?? "").ToArray();
        Assert.Equal(new[] { "75-79", "80-84", "85+" }, buckets);
        var hour = PaperStatistics.BeijingHour(Now - 3_600_000).ToString("00", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("3", cut.Find($"[data-testid=stats-hour][data-hour='{hour}']").GetAttribute("data-count"));
        Assert.Equal(24, cut.FindAll("[data-testid=stats-hour]").Count);
    }

    [Fact]
    public void Render_NoTrades_ShowsEmptyState()
    {
        var cut = Render([]);

        Assert.NotNull(cut.Find("[data-testid=stats-empty]"));
        Assert.Empty(cut.FindAll("[data-testid=stats-win-rate]"));
    }
}
