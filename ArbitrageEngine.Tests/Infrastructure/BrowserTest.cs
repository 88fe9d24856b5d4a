using Microsoft.Playwright;

namespace ArbitrageEngine.Tests.Infrastructure;

/// <summary>
/// Base for Playwright tests: the real app on Kestrel (random loopback port) and the machine's Chromium
/// (/usr/bin/chromium, never a downloaded browser).
/// </summary>
public abstract class BrowserTest(PostgresFixture postgres) : AppTest(postgres, kestrel: true)
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? playwright;

    protected IBrowser Browser { get; private set; } = default!;

    protected Uri BaseUrl { get; private set; } = default!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        BaseUrl = App.ServerAddress;
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
    }

    public override async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        playwright?.Dispose();
        await base.DisposeAsync();
    }

    protected async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl.ToString(), ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    /// <summary>Waits until the Blazor circuit is live (the layout flips data-interactive after its first interactive render).</summary>
    protected static Task WaitForInteractiveAsync(IPage page) =>
        page.Locator("[data-testid=app-ready][data-interactive=yes]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });

    protected static async Task LoginAsync(IPage page, string userName, string password)
    {
        await page.GotoAsync("account/login");
        await page.GetByTestId("login-username").FillAsync(userName);
        await page.GetByTestId("login-password").FillAsync(password);
        await page.GetByTestId("login-submit").ClickAsync();
        await WaitForInteractiveAsync(page);
    }

    /// <summary>Saves a screenshot when AE_SCREENSHOT_DIR is set (used to refresh the README's pictures).</summary>
    protected static async Task MaybeScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("AE_SCREENSHOT_DIR") is { Length: > 0 } dir)
        {
            Directory.CreateDirectory(dir);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, name + ".png"), FullPage = false });
        }
    }
}
