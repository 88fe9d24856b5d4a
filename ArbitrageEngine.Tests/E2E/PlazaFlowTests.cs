using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Accounts;
using ArbitrageEngine.Web.Strategies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ArbitrageEngine.Tests.E2E;

public sealed class PlazaFlowTests(PostgresFixture postgres) : BrowserTest(postgres)
{
    private async Task<Guid> CreateAsync(string name, string symbol)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<StrategyService>()
            .CreateAsync(StrategyDefinition.CreateDefault(symbol, name), AuditActor.System);
        Assert.True(result.Succeeded, string.Join(" ", result.Status.Errors.Values));
        return result.Value!.StrategyId;
    }

    private static ILocator Card(IPage page, Guid id) => page.Locator($"[data-testid=strategy-card][data-strategy-id='{id}']");

    [Fact]
    public async Task Plaza_FilterPauseTopUpDeprecateRestore_WorksEndToEnd()
    {
        var btc = await CreateAsync("e2e btc", "BTCUSDT");
        var eth = await CreateAsync("e2e eth", "ETHUSDT");
        var page = await NewPageAsync();
        await LoginAsync(page, TestApp.AdminUserName, TestApp.AdminPassword);

        await page.GotoAsync("plaza");
        await WaitForInteractiveAsync(page);
        await Assertions.Expect(Card(page, btc)).ToBeVisibleAsync();
        await Assertions.Expect(Card(page, eth)).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("new-strategy")).ToHaveAttributeAsync("href", "/plaza/new");
        await MaybeScreenshotAsync(page, "plaza");

        // Symbol filter, then the empty state, then back to all.
        await page.GetByTestId("filter-symbol-ETHUSDT").ClickAsync();
        await Assertions.Expect(Card(page, btc)).ToHaveCountAsync(0);
        await Assertions.Expect(Card(page, eth)).ToBeVisibleAsync();
        await page.GetByTestId("filter-positions-with").ClickAsync();
        await Assertions.Expect(page.GetByTestId("plaza-empty")).ToBeVisibleAsync();
        await page.GetByTestId("filter-positions-all").ClickAsync();
        await page.GetByTestId("filter-symbol-all").ClickAsync();
        await Assertions.Expect(Card(page, btc)).ToBeVisibleAsync();

        // Pause and resume.
        await Card(page, btc).GetByTestId("action-pause").ClickAsync();
        await Assertions.Expect(Card(page, btc).GetByTestId("strategy-status")).ToHaveTextAsync("paused");
        await Card(page, btc).GetByTestId("action-resume").ClickAsync();
        await Assertions.Expect(Card(page, btc).GetByTestId("strategy-status")).ToHaveTextAsync("running");

        // Add balance: the zero error, then a real top-up.
        await Card(page, btc).GetByTestId("action-add-balance").ClickAsync();
        var amount = page.GetByTestId("add-balance-amount");
        await amount.FillAsync("0");
        await page.GetByTestId("add-balance-confirm").ClickAsync();
        await Assertions.Expect(page.GetByText("amount must be greater than 0")).ToBeVisibleAsync();
        await amount.FillAsync("500");
        await Assertions.Expect(page.GetByTestId("preview-initial")).ToHaveTextAsync("10,500.00 USDT");
        await page.GetByTestId("add-balance-confirm").ClickAsync();
        await Assertions.Expect(Card(page, btc).GetByTestId("current-balance")).ToHaveTextAsync("10,500.00 USDT");

        // Deprecate (confirmed) removes it from the plaza; the deprecated list restores it paused.
        await Card(page, eth).GetByTestId("action-deprecate").ClickAsync();
        await Assertions.Expect(page.GetByTestId("confirm-message")).ToContainTextAsync("deprecated list");
        await page.GetByTestId("confirm-ok").ClickAsync();
        await Assertions.Expect(Card(page, eth)).ToHaveCountAsync(0);

        await page.GotoAsync("plaza/deprecated");
        await WaitForInteractiveAsync(page);
        await Assertions.Expect(Card(page, eth).GetByTestId("deprecated-at")).ToBeVisibleAsync();
        await Card(page, eth).GetByTestId("action-restore").ClickAsync();
        await Assertions.Expect(page.GetByTestId("confirm-message")).ToContainTextAsync("keeps its balance and history");
        await page.GetByTestId("confirm-ok").ClickAsync();
        await Assertions.Expect(page.GetByTestId("plaza-empty")).ToBeVisibleAsync();

        await page.GotoAsync("plaza");
        await WaitForInteractiveAsync(page);
        await Assertions.Expect(Card(page, eth).GetByTestId("strategy-status")).ToHaveTextAsync("paused");
    }

    [Fact]
    public async Task Plaza_CompareTwo_ShowsChartAndTable()
    {
        var a = await CreateAsync("cmp a", "BTCUSDT");
        var b = await CreateAsync("cmp b", "SOLUSDT");
        var page = await NewPageAsync();
        await LoginAsync(page, TestApp.AdminUserName, TestApp.AdminPassword);
        await page.GotoAsync("plaza");
        await WaitForInteractiveAsync(page);

        await Card(page, a).GetByTestId("compare-select").CheckAsync();
        await Card(page, b).GetByTestId("compare-select").CheckAsync();
        await page.GetByTestId("compare-toggle").ClickAsync();

        await Assertions.Expect(page.GetByTestId("compare-view")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("compare-row")).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByTestId("compare-chart")).ToBeVisibleAsync();
        await MaybeScreenshotAsync(page, "plaza-compare");
    }
}
