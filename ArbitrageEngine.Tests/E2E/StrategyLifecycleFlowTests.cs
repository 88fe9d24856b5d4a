using System.Globalization;
using System.Text.RegularExpressions;
using ArbitrageEngine.Tests.Infrastructure;
using Microsoft.Playwright;

namespace ArbitrageEngine.Tests.E2E;

/// <summary>
/// The whole life of a strategy in the browser, against the real app with the simulated market evaluating every second:
/// live prices → plaza with the seeded strategies → create (one rejected submit) → live evaluations on the detail page
/// → edit → parameter history → pause → add balance → deprecate → restore. Also refreshes the README screenshots
/// when AE_SCREENSHOT_DIR is set.
/// </summary>
public sealed partial class StrategyLifecycleFlowTests(PostgresFixture postgres) : BrowserTest(postgres)
{
    private const string Name = "E2E lifecycle";

    // Live data needs the simulated backfill and warm-up first; the machine is slow, so waits are generous
    // (they are upper bounds for auto-waiting assertions, never sleeps).
    private static readonly LocatorAssertionsToBeVisibleOptions LiveVisible = new() { Timeout = 120_000 };
    private static readonly LocatorAssertionsToHaveTextOptions Slow = new() { Timeout = 30_000 };
    private static readonly LocatorAssertionsToHaveTextOptions LiveText = new() { Timeout = 120_000 };

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Market:Source"] = "Simulated",
        ["Market:EvalIntervalSeconds"] = "1",
        ["Market:Simulated:BackfillHours"] = "1",
        ["Market:WarmupHours"] = "0.5",
    };

    private static ILocator Card(IPage page, Guid id) => page.Locator($"[data-testid=strategy-card][data-strategy-id='{id}']");

    private static ILocator Field(IPage page, string key) => page.Locator($"input[data-testid=field-{key}], [data-testid=field-{key}] input").First;

    [GeneratedRegex(@"^\s*[\d,]+\.\d+\s*$")]
    private static partial Regex PriceText();

    [GeneratedRegex(@"/plaza/([0-9a-f-]{36})(\?.*)?$")]
    private static partial Regex DetailUrl();

    [GeneratedRegex(@"(^|\s)live(\s|$)")]
    private static partial Regex LiveClass();

    [Fact]
    public async Task Strategy_CreateEvaluateEditPauseTopUpDeprecateRestore_WorksEndToEnd()
    {
        var page = await NewPageAsync();
        await LoginAsync(page, TestApp.AdminUserName, TestApp.AdminPassword);

        // Dashboard: the BTC price is live (it changes while we watch).
        await page.GotoAsync("");
        await WaitForInteractiveAsync(page);
        var btc = page.GetByTestId("ticker-price-BTCUSDT");
        await Assertions.Expect(btc).ToHaveTextAsync(PriceText(), LiveText);
        var firstPrice = await btc.InnerTextAsync();
        await Assertions.Expect(btc).Not.ToHaveTextAsync(firstPrice, LiveText);
        await Assertions.Expect(page.GetByTestId("engine-running")).Not.ToHaveTextAsync("0", Slow);
        await MaybeScreenshotAsync(page, "dashboard");

        // Plaza: the 72 seeded strategies (virtualized, so count them through the header), engine live.
        await page.GotoAsync("plaza");
        await WaitForInteractiveAsync(page);
        await Assertions.Expect(page.GetByTestId("plaza-count")).ToContainTextAsync("72 of 72 strategies", new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("strategy-card").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("live-dot")).ToHaveClassAsync(LiveClass(), new() { Timeout = 120_000 });
        await MaybeScreenshotAsync(page, "plaza");

        // Create: TP2 below TP1 is rejected by the server, with the message under the TP2 field.
        await page.GetByTestId("new-strategy").ClickAsync();
        await page.WaitForURLAsync("**/plaza/new");
        await Field(page, "display_name").FillAsync(Name);
        await Field(page, "tp1_ratio").FillAsync("1.5");
        await Field(page, "tp2_ratio").FillAsync("1");
        await Field(page, "tp2_ratio").PressAsync("Tab");
        await Assertions.Expect(page.GetByTestId("weights-total")).ToHaveTextAsync("Total: 100/100");
        await MaybeScreenshotAsync(page, "strategy-form");
        await page.GetByTestId("form-submit").ClickAsync();
        var tp2Error = page.GetByTestId("error-tp2_ratio");
        await Assertions.Expect(tp2Error).ToHaveTextAsync("TP2 must be greater than TP1.", Slow);
        await tp2Error.ScrollIntoViewIfNeededAsync();
        await Assertions.Expect(tp2Error).ToBeVisibleAsync();
        Assert.EndsWith("/plaza/new", page.Url, StringComparison.Ordinal);
        await MaybeScreenshotAsync(page, "strategy-form-error");

        await Field(page, "tp2_ratio").FillAsync("2.5");
        await Field(page, "tp2_ratio").PressAsync("Tab");
        await page.GetByTestId("form-submit").ClickAsync();
        await page.WaitForURLAsync(DetailUrl());
        var id = Guid.Parse(DetailUrl().Match(page.Url).Groups[1].Value);

        // Detail: evaluations of the new strategy arrive live (1 s ticks).
        await Assertions.Expect(page.GetByTestId("detail-name")).ToHaveTextAsync(Name, Slow);
        await Assertions.Expect(page.GetByTestId("detail-status")).ToHaveTextAsync("running");
        var latestTime = page.GetByTestId("latest-time");
        await Assertions.Expect(latestTime).ToBeVisibleAsync(LiveVisible);
        var firstTime = await latestTime.InnerTextAsync();
        await Assertions.Expect(latestTime).Not.ToHaveTextAsync(firstTime, LiveText);
        await Assertions.Expect(page.GetByTestId("latest-score")).ToBeVisibleAsync();
        await page.GetByTestId("evaluation-latest").ClickAsync();
        await Assertions.Expect(page.GetByTestId("evaluation-row").First).ToBeVisibleAsync(LiveVisible);
        await page.GetByTestId("detail-header").ScrollIntoViewIfNeededAsync();
        await MaybeScreenshotAsync(page, "detail-signals");

        await page.GetByTestId("tab-paper").ClickAsync();
        await Assertions.Expect(page.GetByTestId("paper-summary")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("paper-status")).ToHaveTextAsync("running");
        await MaybeScreenshotAsync(page, "detail-paper");

        // Plaza: the new card is there (most recent first).
        await page.GotoAsync("plaza");
        await WaitForInteractiveAsync(page);
        await Assertions.Expect(page.GetByTestId("plaza-count")).ToContainTextAsync("73 of 73 strategies", new() { Timeout = 30_000 });
        await page.GetByTestId("plaza-sort").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Most recent" }).ClickAsync();
        await Assertions.Expect(Card(page, id).GetByTestId("strategy-name")).ToHaveTextAsync(Name, Slow);

        // Edit the entry score; the Parameters tab shows the new value and the change in its history.
        await Card(page, id).GetByTestId("action-edit").ClickAsync();
        await page.WaitForURLAsync($"**/plaza/{id}/edit");
        var entry = Field(page, "entry_score");
        await Assertions.Expect(entry).ToBeEditableAsync(new() { Timeout = 30_000 });
        var oldScore = int.Parse(await entry.InputValueAsync(), CultureInfo.InvariantCulture);
        var newScore = oldScore == 80 ? 81 : 80;
        await entry.FillAsync(newScore.ToString(CultureInfo.InvariantCulture));
        await entry.PressAsync("Tab");
        await page.GetByTestId("form-submit").ClickAsync();
        await page.WaitForURLAsync(DetailUrl());
        Assert.Contains(id.ToString(), page.Url, StringComparison.Ordinal);
        await page.GetByTestId("tab-parameters").ClickAsync();
        await Assertions.Expect(page.GetByTestId("param-entry_score")).ToHaveTextAsync(newScore.ToString(CultureInfo.InvariantCulture), Slow);
        var change = page.GetByTestId("param-history-row").Filter(new() { HasText = "entry_score" });
        await Assertions.Expect(change).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await Assertions.Expect(change).ToContainTextAsync($"{oldScore} → {newScore}");
        await Assertions.Expect(page.GetByTestId("param-history-row")).ToHaveCountAsync(2); // created + updated
        await MaybeScreenshotAsync(page, "detail-parameters");

        // Pause from the detail page.
        await page.GetByTestId("detail-pause").ClickAsync();
        await Assertions.Expect(page.GetByTestId("detail-status")).ToHaveTextAsync("paused", Slow);
        await Assertions.Expect(page.GetByTestId("detail-resume")).ToBeVisibleAsync();

        // Plaza: the paused card, add balance (the card's balance rises by the amount), deprecate.
        await page.GotoAsync("plaza");
        await WaitForInteractiveAsync(page);
        await page.GetByTestId("filter-status-paused").ClickAsync();
        var card = Card(page, id);
        await Assertions.Expect(card.GetByTestId("strategy-status")).ToHaveTextAsync("paused", Slow);
        var before = ParseBalance(await card.GetByTestId("current-balance").InnerTextAsync());
        await card.GetByTestId("action-add-balance").ClickAsync();
        await page.GetByTestId("add-balance-amount").FillAsync("2500");
        var expected = FormatBalance(before + 2500);
        await Assertions.Expect(page.GetByTestId("preview-current")).ToHaveTextAsync(expected);
        await page.GetByTestId("add-balance-confirm").ClickAsync();
        await Assertions.Expect(card.GetByTestId("current-balance")).ToHaveTextAsync(expected, Slow);

        await card.GetByTestId("action-deprecate").ClickAsync();
        await Assertions.Expect(page.GetByTestId("confirm-message")).ToContainTextAsync("deprecated list");
        await page.GetByTestId("confirm-ok").ClickAsync();
        await Assertions.Expect(card).ToHaveCountAsync(0, new() { Timeout = 30_000 });

        // Deprecated page: restore (confirmed); it returns to the plaza paused.
        await page.GotoAsync("plaza/deprecated");
        await WaitForInteractiveAsync(page);
        await Assertions.Expect(card.GetByTestId("deprecated-at")).ToBeVisibleAsync();
        await card.GetByTestId("action-restore").ClickAsync();
        await Assertions.Expect(page.GetByTestId("confirm-message")).ToContainTextAsync("keeps its balance and history");
        await page.GetByTestId("confirm-ok").ClickAsync();
        await Assertions.Expect(card).ToHaveCountAsync(0, new() { Timeout = 30_000 });

        await page.GotoAsync("plaza");
        await WaitForInteractiveAsync(page);
        await page.GetByTestId("filter-status-paused").ClickAsync();
        await Assertions.Expect(card.GetByTestId("strategy-status")).ToHaveTextAsync("paused", Slow);
        await Assertions.Expect(card.GetByTestId("current-balance")).ToHaveTextAsync(expected);
        await Assertions.Expect(page.GetByTestId("plaza-count")).ToContainTextAsync("of 73 strategies");
    }

    private static double ParseBalance(string text) =>
        double.Parse(text.Replace("USDT", "", StringComparison.Ordinal).Trim(), NumberStyles.Number, CultureInfo.InvariantCulture);

    private static string FormatBalance(double value) => value.ToString("#,##0.00", CultureInfo.InvariantCulture) + " USDT";
}
