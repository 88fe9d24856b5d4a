using ArbitrageEngine.Tests.Infrastructure;
using Microsoft.Playwright;

namespace ArbitrageEngine.Tests.E2E;

public sealed class AdminInviteFlowTests(PostgresFixture postgres) : BrowserTest(postgres)
{
    [Fact]
    public async Task AdminCreatesInvite_NewUserRegistersInSecondContext_AppearsInUserList()
    {
        var admin = await NewPageAsync();
        await LoginAsync(admin, TestApp.AdminUserName, TestApp.AdminPassword);

        await admin.GotoAsync("admin/invites");
        await WaitForInteractiveAsync(admin);
        await admin.GetByTestId("invite-generate").ClickAsync();
        var code = (await admin.GetByTestId("new-invite-code").First.InnerTextAsync()).Trim();
        Assert.Matches("^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$", code);
        await admin.Locator($"[data-testid=invite-row][data-code='{code}']").WaitForAsync();
        await MaybeScreenshotAsync(admin, "admin-invites");

        var visitor = await NewPageAsync();
        await visitor.GotoAsync("account/register");
        await visitor.GetByTestId("register-invite").FillAsync(code);
        await visitor.GetByTestId("register-username").FillAsync("newbie");
        await visitor.GetByTestId("register-password").FillAsync("newbie-password-1");
        await visitor.GetByTestId("register-confirm").FillAsync("newbie-password-1");
        await visitor.GetByTestId("register-submit").ClickAsync();
        await WaitForInteractiveAsync(visitor);
        Assert.Equal(BaseUrl.ToString(), visitor.Url);
        await Assertions.Expect(visitor.Locator("header")).ToContainTextAsync("newbie");

        await admin.GotoAsync("admin/users");
        await WaitForInteractiveAsync(admin);
        var row = admin.Locator("[data-testid=user-row][data-user=newbie]");
        await row.WaitForAsync();
        Assert.Contains("user", await row.InnerTextAsync());
        await MaybeScreenshotAsync(admin, "admin-users");

        await admin.GotoAsync("admin/invites");
        await WaitForInteractiveAsync(admin);
        var inviteRow = admin.Locator($"[data-testid=invite-row][data-code='{code}']");
        await Assertions.Expect(inviteRow).ToContainTextAsync("newbie");
        await Assertions.Expect(inviteRow.GetByTestId("invite-status")).ToContainTextAsync("Exhausted");
    }

    [Fact]
    public async Task SignedInUser_ThemeToggleAndLogout_Work()
    {
        var page = await NewPageAsync();
        await LoginAsync(page, TestApp.AdminUserName, TestApp.AdminPassword);
        await Assertions.Expect(page.GetByTestId("engine-status")).ToBeVisibleAsync();
        await MaybeScreenshotAsync(page, "dashboard-dark");

        await page.GetByTestId("theme-toggle").ClickAsync();
        await Assertions.Expect(page.GetByTestId("theme-toggle")).ToHaveAttributeAsync("aria-label", "Toggle theme");

        await page.GetByTestId("user-menu-button").ClickAsync();
        await page.GetByTestId("logout").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/account/login", StringComparison.Ordinal));
        await page.GotoAsync("plaza");
        await page.WaitForURLAsync(url => url.Contains("/account/login", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Register_BadInput_ShowsPerFieldErrors()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("account/register");
        await page.GetByTestId("register-invite").FillAsync("NOPE-NOPE-NOPE");
        await page.GetByTestId("register-username").FillAsync("ok_name");
        await page.GetByTestId("register-password").FillAsync("valid-password-1");
        await page.GetByTestId("register-confirm").FillAsync("valid-password-1");
        await page.GetByTestId("register-submit").ClickAsync();

        await Assertions.Expect(page.Locator(".validation-message")).ToContainTextAsync("This invite code does not exist.");
    }
}
