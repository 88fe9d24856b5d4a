using System.Globalization;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Backtests;
using Microsoft.Extensions.DependencyInjection;
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

        // A third run, held mid-way twice on its own thread (see RunHold): the bar moves forward, then cancel from the
        // page keeps the partial result marked cancelled.
        await page.GotoAsync("backtest");
        await WaitForInteractiveAsync(page);
        await page.Locator("[data-testid=page-title][data-live=yes]").WaitForAsync(); // the page's handler comes before the hold's
        using (var hold = new RunHold(App.Services.GetRequiredService<BacktestNotifier>()))
        {
            await StartTwoStrategyRunAsync(page);
            var bar = page.GetByTestId("run-progress-bar");
            var first = await hold.NextAsync();
            await Assertions.Expect(bar).ToHaveAttributeAsync("data-percent", Percent(first), new() { Timeout = 30_000 });
            var second = await hold.NextAsync();
            Assert.True(second > first, $"{second} after {first}");
            await Assertions.Expect(bar).ToHaveAttributeAsync("data-percent", Percent(second), new() { Timeout = 30_000 });
            await page.GetByTestId("run-cancel").ClickAsync();
            await Assertions.Expect(page.GetByTestId("run-progress-cancelling")).ToBeVisibleAsync();
            await Task.Delay(TimeSpan.FromSeconds(3)); // the worker reads the cancel flag every ProgressPersistSeconds (1 s)
        }

        var cancelled = page.Locator("[data-testid=run-row][data-status=cancelled]");
        await Assertions.Expect(cancelled).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        await Assertions.Expect(cancelled.GetByTestId("run-row-percent")).Not.ToHaveTextAsync("100%");
        await cancelled.GetByTestId("run-open").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=run-results][data-status=cancelled]")).ToBeVisibleAsync();

        // Preview on the strategy form.
        await page.GotoAsync("plaza/new");
        await WaitForInteractiveAsync(page);
        await page.GetByTestId("preview-start").ClickAsync();
        await Assertions.Expect(page.GetByTestId("preview-result")).ToBeVisibleAsync(new() { Timeout = 120_000 });
        await Assertions.Expect(page.GetByTestId("preview-trades")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+$"));
    }

    private static string Percent(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>
    /// Holds a running run at its next mid-way progress push: the notifier calls handlers in order on the run's thread,
    /// and this one subscribes after the page, so the page has the update while the run waits for the next call (or
    /// for disposal, which lets it go for good).
    /// </summary>
    private sealed class RunHold : IDisposable
    {
        private readonly IDisposable _subscription;
        private readonly SemaphoreSlim _release = new(0);
        private readonly Lock _gate = new();
        private TaskCompletionSource<double> _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool _done;

        public RunHold(BacktestNotifier notifier) => _subscription = notifier.Subscribe(update =>
        {
            if (update.Progress is { Percent: > 0 and < 100 } p && update.Status == BacktestRunStatuses.Running)
            {
                TaskCompletionSource<double> seen;
                lock (_gate)
                {
                    if (_done || _seen.Task.IsCompleted)
                    {
                        return Task.CompletedTask;
                    }

                    seen = _seen;
                }

                seen.SetResult(p.Percent);
                _release.Wait(TimeSpan.FromSeconds(90));
            }

            return Task.CompletedTask;
        });

        /// <summary>Lets the run go on (if held) and waits for it to be held at its next push; returns that percent.</summary>
        public async Task<double> NextAsync()
        {
            Task<double> next;
            lock (_gate)
            {
                if (_seen.Task.IsCompleted)
                {
                    _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);
                    _release.Release();
                }

                next = _seen.Task;
            }

            return await next.WaitAsync(TimeSpan.FromSeconds(120));
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _done = true;
            }

            _subscription.Dispose();
            _release.Release(2);
        }
    }
}
