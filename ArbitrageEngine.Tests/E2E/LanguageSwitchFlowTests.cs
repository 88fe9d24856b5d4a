using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Accounts;
using ArbitrageEngine.Web.Strategies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ArbitrageEngine.Tests.E2E;

public sealed class LanguageSwitchFlowTests(PostgresFixture postgres) : BrowserTest(postgres)
{
    private async Task<Guid> CreateAsync(string name, string symbol)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<StrategyService>()
            .CreateAsync(StrategyDefinition.CreateDefault(symbol, name), AuditActor.System);
        Assert.True(result.Succeeded, string.Join(" ", result.Status.Errors.Values));
        return result.Value!.StrategyId;
    }

    private static async Task SwitchAsync(IPage page, string item)
    {
        await page.GetByTestId("lang-toggle").Locator("button").First.ClickAsync();
        await page.GetByTestId(item).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/culture/", StringComparison.Ordinal));
        await WaitForInteractiveAsync(page);
    }

    /// <summary>True once the shipped CJK face is loaded (so Chinese renders on a machine with no CJK font).</summary>
    private static Task<bool> CjkFontLoadedAsync(IPage page) => page.EvaluateAsync<bool>(
        "async () => { await document.fonts.ready; return [...document.fonts].some(f => f.family.includes('Noto Sans SC') && f.status === 'loaded'); }");

    [Fact]
    public async Task SwitchToChinese_PlazaAndDetail_ShowChineseLabelsAndKeepChoice()
    {
        var id = await CreateAsync("资金流 btc", "BTCUSDT");
        var page = await NewPageAsync();
        await LoginAsync(page, TestApp.AdminUserName, TestApp.AdminPassword);
        await page.GotoAsync("plaza");
        await WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("h4").First).ToHaveTextAsync("Strategy plaza");

        await SwitchAsync(page, "lang-zh");

        Assert.EndsWith("/plaza", new Uri(page.Url).AbsolutePath);
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await Assertions.Expect(page.Locator("h4").First).ToHaveTextAsync("策略广场");
        await Assertions.Expect(page.GetByTestId("new-strategy")).ToHaveTextAsync("+ 新建策略");
        await Assertions.Expect(page.GetByTestId("strategy-card").GetByText("胜率").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("strategy-status").First).ToHaveTextAsync("运行中");
        Assert.True(await CjkFontLoadedAsync(page), "the shipped Noto Sans SC face renders the Chinese labels");
        await MaybeScreenshotAsync(page, "plaza-zh");

        // The detail page, a fresh navigation: the choice is remembered.
        await page.GotoAsync($"plaza/{id}");
        await WaitForInteractiveAsync(page);
        await Assertions.Expect(page.GetByTestId("tab-signals")).ToHaveTextAsync("信号");
        await Assertions.Expect(page.GetByTestId("detail-edit")).ToHaveTextAsync("编辑");
        await Assertions.Expect(page.GetByTestId("detail-status")).ToHaveTextAsync("运行中");
        Assert.True(await CjkFontLoadedAsync(page));
        await MaybeScreenshotAsync(page, "detail-zh");

        // The Edit button stays on the header's first line, at the right of the name.
        var name = await page.GetByTestId("detail-name").BoundingBoxAsync();
        var edit = await page.GetByTestId("detail-edit").BoundingBoxAsync();
        Assert.True(edit!.Y < name!.Y + name.Height, $"edit at y={edit.Y}, name at y={name.Y}+{name.Height}");
        Assert.True(edit.X > name.X);

        await page.GotoAsync($"plaza/{id}?tab=paper");
        await WaitForInteractiveAsync(page);
        await Assertions.Expect(page.GetByTestId("stats-coin-ALL")).ToHaveTextAsync("全部");
        await Assertions.Expect(page.GetByTestId("paper-win-rate")).ToHaveTextAsync("—");

        await page.GotoAsync("plaza/stats");
        await WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("h4").First).ToHaveTextAsync("广场统计");

        await SwitchAsync(page, "lang-en");

        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Assertions.Expect(page.Locator("h4").First).ToHaveTextAsync("Plaza statistics");
    }
}
