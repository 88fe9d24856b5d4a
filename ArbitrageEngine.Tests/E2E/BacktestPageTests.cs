using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Tests.Infrastructure;
using Microsoft.Playwright;
using Npgsql;

namespace ArbitrageEngine.Tests.E2E;

/// <summary>/backtest in a real browser on the simulated market: start a run of two strategies, its progress and results, re-open it from the list, compare two runs; the preview on the strategy form.</summary>
public sealed class BacktestPageTests(PostgresFixture postgres) : BrowserTest(postgres)
{
    protected override IReadOnlyDictionary<string, string>? Settings => new Dictionary<string, string>(SimulatedApp.Settings())
    {
        ["Backtest:PollSeconds"] = "1",
        ["Backtest:ProgressPersistSeconds"] = "1",
    };

    private async Task StartTwoStrategyRunAsync(IPage page)
    {
        var boxes = page.Locator("[data-testid=backtest-strategy] input[type=checkbox]");
        await boxes.Nth(0).CheckAsync();
        await boxes.Nth(1).CheckAsync();
        await Assertions.Expect(page.GetByTestId("backtest-selected-count")).ToContainTextAsync("2");
        await page.GetByTestId("backtest-start").ClickAsync();
    }

    [Fact]
    public async Task BacktestPage_TwoStrategies_ProgressResultsReopenCompareAndPreview()
    {
        await using (var db = NpgsqlDataSource.Create(App.ConnectionString))
        {
            await SimulatedApp.Until(async () =>
            {
                var catalog = new DatasetCatalog(db);
                var datasets = await catalog.ListAsync();
                return datasets.Count > 0 && (await catalog.RangesAsync(datasets[^1].Id)).Count == 4;
            }, "simulated history of 4 symbols", 180);
        }

        var page = await NewPageAsync();
        await LoginAsync(page, TestApp.AdminUserName, TestApp.AdminPassword);
        await page.GotoAsync("backtest");
        await WaitForInteractiveAsync(page);

        await StartTwoStrategyRunAsync(page);
        var open = page.GetByTestId("open-run");
        await Assertions.Expect(open).ToBeVisibleAsync();
        var firstRun = await open.GetAttributeAsync("data-run-id");
        var results = page.GetByTestId("run-results");
        await Assertions.Expect(results).ToBeVisibleAsync(new() { Timeout = 120_000 });
        await Assertions.Expect(results).ToHaveAttributeAsync("data-status", "succeeded");
        await Assertions.Expect(page.GetByTestId("card-strategies")).ToHaveTextAsync("2");
        var trades = int.Parse(await page.GetByTestId("card-trades").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        if (trades > 0)
        {
            await Assertions.Expect(page.GetByTestId("backtest-equity").Locator(".js-plotly-plot")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("backtest-trade-row").First).ToBeVisibleAsync();
        }
        else
        {
            // No trade in the simulated hour: the trade table says so (the equity curve still shows its start).
            await Assertions.Expect(page.GetByTestId("backtest-trades-empty")).ToBeVisibleAsync();
        }

        // A second run, then both from the list: re-open and compare.
        await StartTwoStrategyRunAsync(page);
        await Assertions.Expect(page.Locator("[data-testid=run-row]")).ToHaveCountAsync(2, new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-testid=run-row][data-status=succeeded]")).ToHaveCountAsync(2, new() { Timeout = 120_000 });
        await page.GotoAsync("backtest");
        await WaitForInteractiveAsync(page);
        await page.Locator($"[data-testid=run-row][data-run-id='{firstRun}'] [data-testid=run-open]").ClickAsync();
        await Assertions.Expect(page.Locator($"[data-testid=run-results][data-run-id='{firstRun}']")).ToBeVisibleAsync();
        var picks = page.Locator("[data-testid=run-row] input[type=checkbox]");
        await picks.Nth(0).CheckAsync();
        await picks.Nth(1).CheckAsync();
        await page.GetByTestId("run-compare").ClickAsync();
        await Assertions.Expect(page.GetByTestId("run-compare-view")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("compare-trades-a")).ToHaveTextAsync(trades.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await MaybeScreenshotAsync(page, "backtest");

        // Preview on the strategy form.
        await page.GotoAsync("plaza/new");
        await WaitForInteractiveAsync(page);
        await page.GetByTestId("preview-start").ClickAsync();
        await Assertions.Expect(page.GetByTestId("preview-result")).ToBeVisibleAsync(new() { Timeout = 120_000 });
        await Assertions.Expect(page.GetByTestId("preview-trades")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+$"));
    }
}
