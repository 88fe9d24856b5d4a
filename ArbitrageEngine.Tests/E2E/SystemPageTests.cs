using ArbitrageEngine.Tests.Infrastructure;
using Microsoft.Playwright;

namespace ArbitrageEngine.Tests.E2E;

public sealed class SystemPageTests(PostgresFixture postgres) : BrowserTest(postgres)
{
    protected override IReadOnlyDictionary<string, string>? Settings => SimulatedApp.Settings();

    [Fact]
    public async Task SystemPage_Admin_ShowsProcessTableSizesCollectorsAndJobs()
    {
        var page = await NewPageAsync();
        await LoginAsync(page, TestApp.AdminUserName, TestApp.AdminPassword);
        await page.GotoAsync("system");
        await WaitForInteractiveAsync(page);

        await Assertions.Expect(page.GetByTestId("system-uptime")).ToContainTextAsync(":");
        await Assertions.Expect(page.GetByTestId("system-memory")).ToContainTextAsync("MB");
        var aggTrades = page.Locator("[data-testid=system-table-row][data-table=agg_trades]");
        await Assertions.Expect(aggTrades).ToContainTextAsync("partitioned");
        await Assertions.Expect(aggTrades.GetByTestId("system-table-size")).ToContainTextAsync("B");
        await Assertions.Expect(page.Locator("[data-testid=system-table-row][data-table=funding_snapshots]")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("system-db-summary")).ToContainTextAsync("connections");
        // The hourly jobs run once at start: their last run and result are listed.
        await Assertions.Expect(page.Locator("[data-testid=system-job-row][data-job=partitions]").GetByTestId("system-job-result")).ToContainTextAsync("ok: ensured");
        await Assertions.Expect(page.Locator("[data-testid=system-job-row][data-job=funding]").GetByTestId("system-job-result")).ToContainTextAsync("ok: settlements recorded");
        await Assertions.Expect(page.Locator("[data-testid=system-job-row][data-job=evaluation-retention]")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("system-collector-row").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=system-queue-row][data-queue=trade_writer]")).ToBeVisibleAsync();
        await MaybeScreenshotAsync(page, "system");
    }
}
