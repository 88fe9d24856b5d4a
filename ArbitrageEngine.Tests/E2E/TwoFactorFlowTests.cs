using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Tests.Web.Accounts;
using Microsoft.Playwright;

namespace ArbitrageEngine.Tests.E2E;

/// <summary>Issue 14: a user enrols TOTP in the browser (the code computed from the shown key, as an app would) and signs in with it.</summary>
public sealed class TwoFactorFlowTests(PostgresFixture postgres) : BrowserTest(postgres)
{
    [Fact]
    public async Task Admin_EnrolsTotpThenSignsInWithCode_ReachesDashboardWithoutCspErrors()
    {
        var page = await NewPageAsync();
        var cspErrors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                cspErrors.Add(message.Text);
            }
        };
        await LoginAsync(page, TestApp.AdminUserName, TestApp.AdminPassword);

        await page.GotoAsync("account/two-factor");
        await Assertions.Expect(page.GetByTestId("totp-qr").Locator("svg")).ToBeVisibleAsync();
        var key = (await page.GetByTestId("totp-secret").InnerTextAsync()).Trim();
        await page.GetByTestId("enable-2fa-password").FillAsync(TestApp.AdminPassword);
        await page.GetByTestId("enable-2fa-code").FillAsync(Totp.Code(key));
        await page.GetByTestId("enable-2fa-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("recovery-codes")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("two-factor-on")).ToBeVisibleAsync();
        await MaybeScreenshotAsync(page, "two-factor-enrolled");

        var fresh = await NewPageAsync();
        await fresh.GotoAsync("account/login");
        await fresh.GetByTestId("login-username").FillAsync(TestApp.AdminUserName);
        await fresh.GetByTestId("login-password").FillAsync(TestApp.AdminPassword);
        await fresh.GetByTestId("login-submit").ClickAsync();
        await fresh.WaitForURLAsync(url => url.Contains("/account/login-2fa", StringComparison.Ordinal));
        await fresh.GetByTestId("login-2fa-code").FillAsync(Totp.Code(key));
        await fresh.GetByTestId("login-2fa-submit").ClickAsync();
        await WaitForInteractiveAsync(fresh);
        await Assertions.Expect(fresh.GetByTestId("engine-status")).ToBeVisibleAsync();

        Assert.Empty(cspErrors);
    }
}
