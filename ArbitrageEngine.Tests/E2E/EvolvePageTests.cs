using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Tests.Integration.Evolve;
using Microsoft.Playwright;
using Npgsql;

namespace ArbitrageEngine.Tests.E2E;

public sealed class EvolvePageTests(PostgresFixture postgres) : BrowserTest(postgres)
{
    protected override IReadOnlyDictionary<string, string>? Settings => EvolveRunTests.Config();

    [Fact]
    public async Task EvolvePage_AdminDryRunThenApply_ProgressReportAndLinkToCreatedStrategy()
    {
        await using (var data = NpgsqlDataSource.Create(App.ConnectionString))
        {
            await EvolveRunTests.SeedAsync(App, data);
        }

        var page = await NewPageAsync();
        await LoginAsync(page, TestApp.AdminUserName, TestApp.AdminPassword);
        await page.GotoAsync("evolve");
        await WaitForInteractiveAsync(page);
        await Assertions.Expect(page.GetByTestId("evolve-runs-empty")).ToBeVisibleAsync();

        // Dry-run: live progress, then the report with its candidate table.
        await page.GetByTestId("evolve-dry-run").ClickAsync();
        await Assertions.Expect(page.GetByTestId("evolve-progress")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("evolve-progress")).ToBeHiddenAsync(new() { Timeout = 120_000 });
        var report = page.GetByTestId("evolve-report");
        await Assertions.Expect(report).ToHaveAttributeAsync("data-status", "succeeded");
        await Assertions.Expect(page.GetByTestId("evolve-planned")).ToHaveCountAsync(1);
        var btc = page.Locator("[data-testid=evolve-symbol][data-symbol=BTCUSDT]");
        await Assertions.Expect(btc.GetByTestId("evolve-regime")).ToBeVisibleAsync();
        Assert.True(await btc.GetByTestId("evolve-candidate").CountAsync() > 10);
        await Assertions.Expect(btc.Locator("[data-testid=evolve-candidate][data-chosen=yes]")).ToHaveCountAsync(1);
        await btc.GetByTestId("evolve-sort-oos").ClickAsync();
        var oos = await btc.GetByTestId("evolve-candidate-oos").AllInnerTextsAsync();
        var values = oos.Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(values.OrderByDescending(v => v), values);
        await Assertions.Expect(page.Locator("[data-testid=evolve-symbol][data-symbol=ETHUSDT]").GetByTestId("evolve-symbol-note")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=evolve-run-row]")).ToHaveCountAsync(1);

        // Apply (confirmed): the created strategy is linked and opens its detail page.
        await page.GetByTestId("evolve-apply").ClickAsync();
        await page.GetByTestId("confirm-ok").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=evolve-run-row]")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("[data-testid=evolve-report][data-mode=apply][data-status=succeeded]")).ToBeVisibleAsync(new() { Timeout = 120_000 });
        var link = page.GetByTestId("evolve-created-link");
        await Assertions.Expect(link).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        var id = await link.GetAttributeAsync("data-strategy-id");
        await MaybeScreenshotAsync(page, "evolve");
        await link.ClickAsync();
        await page.WaitForURLAsync($"**/plaza/{id}");

        // The plaza card of the created strategy carries the auto-evolve badge linking to its run.
        await page.GotoAsync("plaza");
        await WaitForInteractiveAsync(page);
        var card = page.Locator($"[data-testid=strategy-card][data-strategy-id='{id}']");
        await Assertions.Expect(card.GetByTestId("auto-evolve-badge")).ToBeVisibleAsync();
        await card.GetByTestId("auto-evolve-badge").ClickAsync();
        await page.WaitForURLAsync($"**/evolve?strategy={id}");
        await Assertions.Expect(page.GetByTestId("evolve-created-link")).ToHaveAttributeAsync("data-strategy-id", id!);
    }
}
