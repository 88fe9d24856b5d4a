using System.Globalization;
using ArbitrageEngine.Tests.Infrastructure;
using Microsoft.Playwright;
using Npgsql;

namespace ArbitrageEngine.Tests.E2E;

public sealed class MarketPageTests(PostgresFixture postgres) : BrowserTest(postgres)
{
    protected override IReadOnlyDictionary<string, string>? Settings => SimulatedApp.Settings();

    // Plotly's script (3.5 MB) loads with the first chart: on a busy machine that takes more than the default 5 s.
    private static readonly LocatorAssertionsToBeVisibleOptions PlotTimeout = new() { Timeout = 30_000 };

    private static string BeijingInput(long ms) =>
        DateTimeOffset.FromUnixTimeMilliseconds(ms).ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);

    private async Task<long> LastBarAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(App.ConnectionString);
        long last = 0;
        // The simulated backfill (1 h) goes through the trade writer, which maintains the bars.
        await SimulatedApp.Until(async () =>
        {
            await using var cmd = dataSource.CreateCommand("SELECT coalesce(max(open_ms), 0), count(*) FROM market_bars_1m WHERE symbol = 'BTCUSDT'");
            await using var r = await cmd.ExecuteReaderAsync();
            await r.ReadAsync();
            last = r.GetInt64(0);
            return r.GetInt64(1) >= 30;
        }, "30 minutes of BTCUSDT bars", seconds: 120);
        return last;
    }

    [Fact]
    public async Task MarketPages_SimulatedMarket_ListCandlesLiveCandleRangeSummaryHeatMapAndNotFound()
    {
        var lastBar = await LastBarAsync();
        var page = await NewPageAsync();
        await LoginAsync(page, TestApp.AdminUserName, TestApp.AdminPassword);

        // /market lists the symbols of the current dataset with last price and 24 h change.
        await page.GotoAsync("market");
        await WaitForInteractiveAsync(page);
        var btc = page.Locator("[data-testid=market-symbol-row][data-symbol=BTCUSDT]");
        await Assertions.Expect(btc.GetByTestId("market-symbol-price")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^[\d,]+\.\d+$"));
        await Assertions.Expect(btc.GetByTestId("market-symbol-change")).ToContainTextAsync("%");
        await Assertions.Expect(page.Locator("[data-testid=market-symbol-row][data-symbol=ETHUSDT]")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("market-dataset-select")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^simulated-"));

        // /market/BTCUSDT: candles, and the last candle follows the live price.
        await btc.GetByTestId("market-symbol-link").ClickAsync();
        await page.WaitForURLAsync("**/market/BTCUSDT**");
        await WaitForInteractiveAsync(page);
        await Assertions.Expect(page.GetByTestId("market-chart").Locator(".js-plotly-plot")).ToBeVisibleAsync(PlotTimeout);
        Assert.True(int.Parse(await page.GetByTestId("market-chart").GetAttributeAsync("data-candles") ?? "0", CultureInfo.InvariantCulture) >= 6);
        await Assertions.Expect(page.GetByTestId("market-last-candle")).Not.ToHaveAttributeAsync("data-updates", "0", new() { Timeout = 30_000 });
        var firstClose = await page.GetByTestId("market-last-candle").GetAttributeAsync("data-close");
        await page.WaitForFunctionAsync(
            "c => document.querySelector('[data-testid=market-last-candle]').getAttribute('data-close') !== c", firstClose, new() { Timeout = 30_000 });

        await MaybeScreenshotAsync(page, "market");
        await page.GetByTestId("market-interval-1m").ClickAsync();
        await Assertions.Expect(page.GetByTestId("market-interval-1m")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mud-button-filled"));
        await Assertions.Expect(page.GetByTestId("market-chart").Locator(".js-plotly-plot")).ToBeVisibleAsync(PlotTimeout);

        // A range: summary, heat map and the raw trades, paged.
        await Assertions.Expect(page.GetByTestId("range-none")).ToBeVisibleAsync();
        await page.GetByTestId("range-from").FillAsync(BeijingInput(lastBar - (20 * 60_000)));
        await page.GetByTestId("range-to").FillAsync(BeijingInput(lastBar));
        await page.GetByTestId("range-apply").ClickAsync();
        await Assertions.Expect(page.GetByTestId("range-summary")).ToBeVisibleAsync();
        Assert.True(long.Parse((await page.GetByTestId("range-trades").TextContentAsync())!.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture) > 0);
        await Assertions.Expect(page.GetByTestId("range-vwap")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^[\d,]+\.\d+$"));
        await Assertions.Expect(page.GetByTestId("range-largest-row").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("range-heatmap").Locator(".js-plotly-plot")).ToHaveCountAsync(2, new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("range-trade-row")).ToHaveCountAsync(50);
        var firstId = await page.GetByTestId("range-trade-row").First.GetAttributeAsync("data-agg-id");
        await page.GetByTestId("range-trades-next").ClickAsync();
        await Assertions.Expect(page.GetByTestId("range-trades-page")).ToContainTextAsync("2");
        Assert.True(long.Parse((await page.GetByTestId("range-trade-row").First.GetAttributeAsync("data-agg-id"))!, CultureInfo.InvariantCulture) > long.Parse(firstId!, CultureInfo.InvariantCulture));
        await page.GetByTestId("range-trades-prev").ClickAsync();
        await Assertions.Expect(page.GetByTestId("range-trade-row").First).ToHaveAttributeAsync("data-agg-id", firstId!);
        await page.GetByTestId("range-summary").ScrollIntoViewIfNeededAsync();
        await MaybeScreenshotAsync(page, "market-range");

        // An empty range is an empty state, not an error; a reversed one is refused.
        await page.GetByTestId("range-from").FillAsync("2020-01-01T00:00");
        await page.GetByTestId("range-to").FillAsync("2020-01-01T01:00");
        await page.GetByTestId("range-apply").ClickAsync();
        await Assertions.Expect(page.GetByTestId("range-empty")).ToBeVisibleAsync();
        await page.GetByTestId("range-from").FillAsync("2020-01-01T02:00");
        await page.GetByTestId("range-apply").ClickAsync();
        await Assertions.Expect(page.GetByTestId("range-error")).ToBeVisibleAsync();

        // A drag across the chart selects that range too.
        var plot = page.GetByTestId("market-chart").Locator(".nsewdrag").First;
        var box = (await plot.BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + (box.Width * 0.5f), box.Y + (box.Height * 0.5f));
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + (box.Width * 0.8f), box.Y + (box.Height * 0.5f), new() { Steps = 5 });
        await page.Mouse.UpAsync();
        await Assertions.Expect(page.GetByTestId("range-summary")).ToBeVisibleAsync();

        // Unknown symbol: the app's not-found page.
        await page.GotoAsync("market/NOPEUSDT");
        await Assertions.Expect(page.GetByTestId("not-found")).ToBeVisibleAsync();
    }
}
