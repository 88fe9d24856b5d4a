using ArbitrageEngine.Engine.Funding;
using ArbitrageEngine.Tests.Engine.Funding;
using ArbitrageEngine.Tests.Infrastructure;
using Microsoft.Playwright;
using Npgsql;

namespace ArbitrageEngine.Tests.E2E;

public sealed class FundingPageTests(PostgresFixture postgres) : BrowserTest(postgres)
{
    protected override IReadOnlyDictionary<string, string>? Settings => SimulatedApp.Settings();

    [Fact]
    public async Task FundingPage_SimulatedMarketAndImportedHistory_ShowsLiveRatesStatisticsAndYears()
    {
        await using (var dataSource = NpgsqlDataSource.Create(App.ConnectionString))
        {
            var dir = Path.GetDirectoryName(FundingCsvTests.RealDump("XRPUSDT-fundingRate-2024-01.csv"))!;
            await new FundingImporter(new FundingRateStore(dataSource)).ImportAsync("XRPUSDT", Directory.GetFiles(dir, "XRPUSDT-*.csv"), default);
            // The simulated market writes a funding snapshot a minute per symbol; wait for the first ones.
            await SimulatedApp.Until(async () => (await new FundingSnapshotStore(dataSource).LatestAsync()).Count == 4, "funding snapshots of 4 symbols");
        }

        var page = await NewPageAsync();
        await LoginAsync(page, TestApp.AdminUserName, TestApp.AdminPassword);
        await page.GetByTestId("nav-funding").ClickAsync();
        await WaitForInteractiveAsync(page);

        var btc = page.Locator("[data-testid=funding-live-row][data-symbol=BTCUSDT]");
        await Assertions.Expect(btc.GetByTestId("funding-live-rate")).ToContainTextAsync("%");
        await Assertions.Expect(btc.GetByTestId("funding-live-annualised")).ToContainTextAsync("%");
        await Assertions.Expect(btc.GetByTestId("funding-live-countdown")).ToContainTextAsync(":");

        await page.GetByTestId("funding-symbol-XRPUSDT").ClickAsync();
        await Assertions.Expect(page.GetByTestId("funding-stats-range")).ToContainTextAsync("7,103 settlements");
        var year2024 = page.Locator("[data-testid=funding-years-row][data-year='2024']");
        await Assertions.Expect(year2024.GetByTestId("funding-years-annualised")).ToHaveTextAsync("14.19%");
        await Assertions.Expect(page.Locator("[data-testid=funding-years-row][data-year='all']")).ToContainTextAsync("15.00%");
        await Assertions.Expect(page.Locator("[data-testid=funding-explanation-years-row][data-year='2021']")).ToContainTextAsync("48.14%");
        await Assertions.Expect(page.GetByTestId("funding-history-count")).ToContainTextAsync("90 settlements up to 2026-07-01 00:00"); // 2026-06-30 16:00 UTC in Beijing time
        await page.GetByTestId("funding-range-all").ClickAsync();
        await Assertions.Expect(page.GetByTestId("funding-history-count")).ToContainTextAsync("7103 settlements");
        await Assertions.Expect(page.GetByTestId("funding-candles").Locator(".js-plotly-plot")).ToBeVisibleAsync();
        await MaybeScreenshotAsync(page, "funding");
    }
}
