using ArbitrageEngine.Engine.Backtest;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Tests.Components.Plaza;
using ArbitrageEngine.Tests.Integration.Backtests;
using ArbitrageEngine.Web.Backtests;
using ArbitrageEngine.Web.Components.Backtest;
using Bunit;

namespace ArbitrageEngine.Tests.Components.Backtests;

/// <summary>The /backtest components with hand-built data: the form (grid count, validation), progress, the run list states, results.</summary>
public sealed class BacktestComponentsTests : MudTestContext
{
    private static readonly StrategyDefinition Alpha = StrategyDefinition.CreateDefault("BTCUSDT") with { StrategyId = Guid.NewGuid(), DisplayName = "alpha" };
    private static readonly StrategyDefinition Beta = StrategyDefinition.CreateDefault("ETHUSDT") with { StrategyId = Guid.NewGuid(), DisplayName = "beta", Status = StrategyStatus.Paused };

    private static readonly BacktestDatasetChoice Dataset = new(new DatasetInfo(2, "simulated-42", DatasetKinds.Simulated, 42, DateTimeOffset.UnixEpoch),
        [new DatasetSymbolRange("BTCUSDT", 1_790_000_000_000, 1_790_086_400_000, 1000), new DatasetSymbolRange("ETHUSDT", 1_790_000_000_000, 1_790_086_400_000, 900)]);

    private IRenderedComponent<BacktestForm> RenderForm(BacktestFormModel model, List<BacktestFormModel> submitted, IReadOnlyDictionary<string, string>? serverErrors = null) =>
        Render<BacktestForm>(p => p
            .Add(c => c.Model, model)
            .Add(c => c.Strategies, [Alpha, Beta])
            .Add(c => c.Datasets, [Dataset])
            .Add(c => c.MaxCombinations, 100)
            .Add(c => c.ServerErrors, serverErrors ?? new Dictionary<string, string>())
            .Add(c => c.OnSubmit, m => submitted.Add(m)));

    /// <summary>The input of a MudBlazor field, wherever the component put the test id (on the input or a wrapper).</summary>
    private static string In(string id) => $"input[data-testid={id}], [data-testid={id}] input";

    private static BacktestFormModel ValidModel() => new() { Dataset = "simulated-42", FromText = "2026-09-21 14:00", ToText = "2026-09-22 14:00" };

    [Fact]
    public void Grid_RangesChanged_CombinationCountShownLive()
    {
        var model = ValidModel();
        model.Mode = BacktestFormMode.Grid;
        model.SetBase(Alpha);
        var cut = RenderForm(model, []);
        Assert.Equal("1", cut.Find("[data-testid=backtest-grid-total]").GetAttribute("data-count"));

        // MudBlazor applies numeric input asynchronously: under load a render can land after the next line runs.
        void Range(string field, string from, string to, string step)
        {
            cut.Find(In($"backtest-grid-on-{field}")).Change(true);
            cut.WaitForAssertion(() => Assert.False(cut.Find(In($"backtest-grid-from-{field}")).HasAttribute("disabled")));
            cut.Find(In($"backtest-grid-from-{field}")).Input(from);
            cut.Find(In($"backtest-grid-to-{field}")).Input(to);
            cut.Find(In($"backtest-grid-step-{field}")).Input(step);
        }

        Range("entry_score", "70", "90", "5");
        Range("timeout_minutes", "60", "120", "30");

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("5", cut.Find("[data-testid=backtest-grid-count-entry_score]").TextContent.Trim()[..1]);
            Assert.Equal("15", cut.Find("[data-testid=backtest-grid-total]").GetAttribute("data-count"));
            Assert.Contains("15", cut.Find("[data-testid=backtest-strategy-count]").TextContent, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Submit_GridOverCap_ShowsCountAndCapAndDoesNotSubmit()
    {
        var model = ValidModel();
        model.Mode = BacktestFormMode.Grid;
        model.SetBase(Alpha);
        model.Grid["entry_score"] = new FormGridRange { Enabled = true, From = 60, To = 95, Step = 1 };
        model.Grid["timeout_minutes"] = new FormGridRange { Enabled = true, From = 30, To = 90, Step = 30 };
        var submitted = new List<BacktestFormModel>();
        var cut = RenderForm(model, submitted);

        cut.Find("[data-testid=backtest-start]").Click();

        Assert.Empty(submitted);
        var error = cut.Find("[data-testid=error-grid]").TextContent;
        Assert.Contains("108", error, StringComparison.Ordinal);
        Assert.Contains("100", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Submit_NothingChosenAndToBeforeFrom_ShowsFieldMessages()
    {
        var model = ValidModel();
        model.ToText = "2026-09-20 00:00";
        model.FromText = "yesterday";
        var submitted = new List<BacktestFormModel>();
        var cut = RenderForm(model, submitted);

        cut.Find("[data-testid=backtest-start]").Click();

        Assert.Empty(submitted);
        Assert.NotEmpty(cut.Find("[data-testid=error-strategies]").TextContent.Trim());
        Assert.NotEmpty(cut.Find("[data-testid=error-from]").TextContent.Trim());
        Assert.NotEmpty(cut.Find("[data-testid=error-symbols]").TextContent.Trim());
    }

    [Fact]
    public void Submit_ServerErrors_ShownBesideTheirFields()
    {
        var model = ValidModel();
        var cut = RenderForm(model, [], new Dictionary<string, string>
        {
            ["from"] = "Dataset 'simulated-42' has BTCUSDT only from A to B.",
            ["queue"] = "you already have 2 backtest run(s) queued",
            ["weird"] = "something else",
        });

        Assert.Contains("only from", cut.Find("[data-testid=error-from]").TextContent, StringComparison.Ordinal);
        Assert.Contains("already have 2", cut.Find("[data-testid=error-queue]").TextContent, StringComparison.Ordinal);
        Assert.Contains("weird: something else", cut.Find("[data-testid=backtest-form-error]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Pick_SearchAndSelect_SubmitsChosenIdsAndTheirSymbols()
    {
        var model = ValidModel();
        var submitted = new List<BacktestFormModel>();
        var cut = RenderForm(model, submitted);

        cut.Find(In("backtest-search")).Input("bet");
        Assert.Single(cut.FindAll("[data-testid=backtest-strategy]"));
        cut.Find("[data-testid=backtest-select-visible]").Click();
        cut.Find("[data-testid=backtest-start]").Click();

        var spec = Assert.Single(submitted).ToSpec();
        Assert.Equal(Beta.StrategyId.ToString("D"), spec.GetProperty("strategies")[0].GetString());
        Assert.Equal("ETHUSDT", spec.GetProperty("symbols")[0].GetString());
        Assert.Equal("2026-09-21T14:00:00Z", spec.GetProperty("from").GetString());
    }

    [Fact]
    public void FormErrors_OverridesRowErrors_MappedToTheirInputs()
    {
        var model = ValidModel();
        model.Mode = BacktestFormMode.Overrides;

        var errors = model.FormErrors(new Dictionary<string, string[]> { ["rows[0].tp1_ratio"] = ["Must be between 0.3 and 2 R."], ["to"] = ["x"] });

        Assert.Equal(["to", "tp1_ratio"], errors.Keys.Order());
    }

    private static BacktestRunRow Run(string status, string? error = null, string owner = "u1", double progress = 0) => new(
        Guid.NewGuid(), owner, owner + "-name", BacktestRunKinds.Backtest, status, "simulated-42", 1_790_000_000_000, 1_790_086_400_000, ["BTCUSDT"], 2,
        progress, null, null, null, 0, 0, 0, 3, false, error, DateTimeOffset.UnixEpoch, null, null, status is "queued" or "running" ? null : 12.5);

    [Fact]
    public void RunList_NoRuns_ShowsEmptyState()
    {
        var cut = Render<RunList>(p => p.Add(c => c.Runs, []));

        Assert.NotNull(cut.Find("[data-testid=run-list-empty]"));
    }

    [Fact]
    public void RunList_EachStatus_ShowsChipAndTheOwnersActions()
    {
        BacktestRunRow[] runs =
        [
            Run(BacktestRunStatuses.Queued),
            Run(BacktestRunStatuses.Running, progress: 37),
            Run(BacktestRunStatuses.Failed, "interrupted by restart"),
            Run(BacktestRunStatuses.Cancelled),
            Run(BacktestRunStatuses.Succeeded, owner: "someone-else"),
        ];
        var cut = Render<RunList>(p => p.Add(c => c.Runs, runs).Add(c => c.User, new BacktestUser("u1", "u1-name", false)));

        var rows = cut.FindAll("[data-testid=run-row]");
        Assert.Equal(["queued", "running", "failed", "cancelled", "succeeded"], rows.Select(r => r.GetAttribute("data-status")));
        Assert.Equal("37%", rows[1].QuerySelector("[data-testid=run-row-percent]")!.TextContent.Trim());
        Assert.Equal("interrupted by restart", rows[2].QuerySelector("[data-testid=run-row-error]")!.TextContent.Trim());
        Assert.NotNull(rows[0].QuerySelector("[data-testid=run-row-cancel]"));
        Assert.NotNull(rows[1].QuerySelector("[data-testid=run-row-cancel]"));
        Assert.NotNull(rows[3].QuerySelector("[data-testid=run-delete]"));
        // Others can open a run but not delete it.
        Assert.NotNull(rows[4].QuerySelector("[data-testid=run-open]"));
        Assert.Null(rows[4].QuerySelector("[data-testid=run-delete]"));
    }

    [Fact]
    public void RunList_TwoFinishedPicked_CompareCallsBack()
    {
        BacktestRunRow[] runs = [Run(BacktestRunStatuses.Succeeded), Run(BacktestRunStatuses.Cancelled), Run(BacktestRunStatuses.Succeeded)];
        (Guid, Guid)? compared = null;
        var cut = Render<RunList>(p => p.Add(c => c.Runs, runs).Add(c => c.OnCompare, ids => compared = ids));

        cut.FindAll(In("run-compare-pick"))[0].Change(true);
        cut.FindAll(In("run-compare-pick"))[2].Change(true);
        cut.Find("[data-testid=run-compare]").Click();

        Assert.Equal((runs[0].RunId, runs[2].RunId), compared);
    }

    [Fact]
    public void RunProgress_LiveProgress_ShowsPercentSimulatedTimeAndEta()
    {
        var run = Run(BacktestRunStatuses.Running, progress: 10);
        var cut = Render<RunProgress>(p => p.Add(c => c.Run, run).Add(c => c.CanManage, true)
            .Add(c => c.Live, new BacktestProgress(62.5, 1_790_043_200_000, 1_000_000, 250_000, TimeSpan.FromSeconds(90))));

        Assert.Equal("62.5", cut.Find("[data-testid=run-progress-bar]").GetAttribute("data-percent"));
        Assert.Contains("2026-09-22 02:13", cut.Find("[data-testid=run-progress-simulated]").TextContent, StringComparison.Ordinal);
        Assert.NotNull(cut.Find("[data-testid=run-progress-eta]"));
        Assert.NotNull(cut.Find("[data-testid=run-cancel]"));
    }

    private static StoredStrategyResult Stored(int ordinal, string name, double netR, int trades, params EquityPoint[] equity) => new(
        ordinal, Guid.NewGuid(), name, "BTCUSDT", System.Text.Json.JsonSerializer.SerializeToElement(new { }), System.Text.Json.JsonSerializer.SerializeToElement(new { }),
        trades, 0.5, netR, netR * 200, 1.25, 1440, 4, new Dictionary<string, int> { ["cooldown"] = 7, ["max_positions"] = 2 }, equity);

    [Fact]
    public void RunResults_TwoStrategies_CardsRankedTableSignalsAndTrades()
    {
        var run = Run(BacktestRunStatuses.Succeeded);
        IReadOnlyList<StoredStrategyResult> strategies =
        [
            Stored(0, "alpha", 1.5, 2, new EquityPoint(1_790_000_600_000, 1, 10_200), new EquityPoint(1_790_001_200_000, 1.5, 10_300)),
            Stored(1, "beta", -0.5, 1, new EquityPoint(1_790_000_900_000, -0.5, 9_900)),
        ];
        var trade = new StoredBacktestTrade(0, strategies[0].StrategyId, 1, "BTCUSDT", "LONG", "tp", "standard", 82, 100_000, 1_790_000_000_000, 99_000, 101_000, 102_000,
            99_000, 150, 200, true, 1_790_000_300_000, 101_500, 1_790_000_600_000, 1.05, 0.05, 1, 200, 10_200);
        var closed = BacktestReads.ToClosed(trade)!;
        var cut = Render<RunResults>(p => p
            .Add(c => c.Run, run)
            .Add(c => c.Strategies, strategies)
            .Add(c => c.LoadClosed, (_, _) => Task.FromResult<IReadOnlyList<ClosedTrade>>([closed]))
            .Add(c => c.LoadPage, (_, _, page) => Task.FromResult(new BacktestTradePage([trade], page, 25, 1))));

        Assert.Equal("2", cut.Find("[data-testid=card-strategies]").TextContent.Trim());
        Assert.Equal("+1.00R", cut.Find("[data-testid=card-net-r]").TextContent.Trim());
        Assert.Equal(2, cut.FindAll("[data-testid=ranked-row]").Count);
        Assert.Equal("2", cut.Find("[data-testid=backtest-equity-plot]").GetAttribute("data-lines"));
        Assert.Equal("8", cut.Find("[data-testid=backtest-signals-taken]").GetAttribute("data-count"));
        Assert.Equal("14", cut.Find("[data-testid=backtest-signals-rejected][data-reason=cooldown]").GetAttribute("data-count"));
        Assert.Single(cut.FindAll("[data-testid=backtest-trade-row]"));
        Assert.Equal($"/api/backtests/{run.RunId:D}/trades.csv", cut.Find("[data-testid=backtest-trades-csv]").GetAttribute("href"));
        Assert.Equal("1", cut.Find("[data-testid=stats-count]").TextContent.Trim());
    }

    [Fact]
    public void RunResults_CancelledRunWithoutTrades_PartialNoticeAndEmptyStates()
    {
        var run = Run(BacktestRunStatuses.Cancelled) with { TradeCount = 0 };
        var cut = Render<RunResults>(p => p
            .Add(c => c.Run, run)
            .Add(c => c.Strategies, [Stored(0, "alpha", 0, 0)])
            .Add(c => c.LoadClosed, (_, _) => Task.FromResult<IReadOnlyList<ClosedTrade>>([]))
            .Add(c => c.LoadPage, (_, _, page) => Task.FromResult(new BacktestTradePage([], page, 25, 0))));

        Assert.NotNull(cut.Find("[data-testid=run-results-partial]"));
        Assert.NotNull(cut.Find("[data-testid=backtest-equity-empty]"));
        Assert.NotNull(cut.Find("[data-testid=backtest-trades-empty]"));
        Assert.Empty(cut.FindAll("[data-testid=run-ranked]"));
    }

    [Fact]
    public void WalkForwardView_Windows_TableRatioAndStitchedEquity()
    {
        StoredWalkForwardWindow[] windows =
        [
            new(0, 0, 7 * 86_400_000L, 7 * 86_400_000L, 9 * 86_400_000L, System.Text.Json.JsonSerializer.SerializeToElement(new { label = "entry_score=70" }), 3, 1, 7, 1, 0, 0.5, 20, 6),
            new(1, 2 * 86_400_000L, 9 * 86_400_000L, 9 * 86_400_000L, 11 * 86_400_000L, System.Text.Json.JsonSerializer.SerializeToElement(new { label = "entry_score=75" }), 2, 0.5, 7, 1, 0, 0.4, 18, 5),
        ];
        var summary = System.Text.Json.JsonSerializer.SerializeToElement(new { oos_is_ratio = 0.5, oos_equity = new[] { new double[] { 8 * 86_400_000.0, 1, 10_200 }, [10 * 86_400_000.0, 2, 10_400] } });

        var cut = Render<WalkForwardView>(p => p.Add(c => c.Windows, windows).Add(c => c.Summary, summary));

        Assert.Equal(2, cut.FindAll("[data-testid=walkforward-window]").Count);
        Assert.Contains("entry_score=75", cut.FindAll("[data-testid=walkforward-window]")[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("0.50", cut.Find("[data-testid=walkforward-ratio]").TextContent, StringComparison.Ordinal);
        Assert.Equal("1", cut.Find("[data-testid=walkforward-equity-plot]").GetAttribute("data-lines"));
        // Without a stored ratio: OOS R per test day over IS R per train day = (2/4) / (14/14).
        Assert.Equal(0.5, WalkForwardView.RatioOf(windows)!.Value, 10);
    }

    [Fact]
    public void Combined_TwoCurves_SumsRInTimeOrder()
    {
        var combined = EquitySeries.Combined([[new EquityPoint(1, 1, 10_100), new EquityPoint(5, 0.5, 10_050)], [new EquityPoint(3, -1, 9_900)]]);

        Assert.Equal([1L, 3, 5], combined.Select(p => p.TimeMs));
        Assert.Equal([1, 0, -0.5], combined.Select(p => p.CumulativeR));
        Assert.Equal([0, -1, -1.5], EquitySeries.Drawdown(combined).Select(d => d.DrawdownR));
    }
}
