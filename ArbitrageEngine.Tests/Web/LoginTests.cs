using System.Net;
using ArbitrageEngine.Web.Persistence.Entities;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ArbitrageEngine.Tests.Web;

public sealed class LoginTests(PostgresFixture postgres) : AppTest(postgres)
{
    private async Task<string> CreateUserAsync(string userName, string password)
    {
        await using var scope = App.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = userName };
        Assert.True((await users.CreateAsync(user, password)).Succeeded);
        await users.AddToRoleAsync(user, Roles.User);
        return user.Id;
    }

    private async Task<AuditActor> AdminActorAsync()
    {
        await using var db = App.CreateDbContext();
        var admin = await db.Users.SingleAsync(u => u.UserName == TestApp.AdminUserName);
        return new AuditActor(admin.UserName!, admin.Id, null);
    }

    [Fact]
    public async Task Login_CorrectPassword_RedirectsToReturnUrlWithCookie()
    {
        await CreateUserAsync("ivan", "ivan-password-1");
        using var session = new HttpSession(App);

        using var response = await session.PostFormAsync("/account/login?ReturnUrl=%2Fplaza", "login",
            new Dictionary<string, string> { ["Input.UserName"] = "ivan", ["Input.Password"] = "ivan-password-1" });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/plaza", new Uri(new Uri("http://localhost"), response.Headers.Location!).AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/plaza")).StatusCode);
    }

    [Fact]
    public async Task Login_WrongPassword_ShowsErrorAndNoCookie()
    {
        await CreateUserAsync("judy", "judy-password-1");
        using var session = new HttpSession(App);

        using var response = await session.LoginAsync("judy", "wrong-password-1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Invalid user name or password.", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await session.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Login_SixFailures_NoHardLockoutRightPasswordStillSignsInAfterDelay()
    {
        // Issue 14: progressive delays replace the 15-minute lockout, so failures cannot keep the owner out.
        var userId = await CreateUserAsync("kate", "kate-password-1");
        using var session = new HttpSession(App);

        for (var i = 0; i < 6; i++)
        {
            await session.LoginAsync("kate", "wrong-password-1");
        }

        var started = DateTimeOffset.UtcNow;
        using var response = await session.LoginAsync("kate", "kate-password-1");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.True(DateTimeOffset.UtcNow - started >= TimeSpan.FromSeconds(1.5), "the seventh attempt waits (2 s after six failures)");
        await using var db = App.CreateDbContext();
        var user = await db.Users.SingleAsync(u => u.Id == userId);
        Assert.Null(user.LockoutEnd);
        Assert.Equal(0, user.AccessFailedCount);
    }

    [Fact]
    public async Task Login_FourFailuresThenRightPassword_SignsIn()
    {
        await CreateUserAsync("leo", "leo-password-1");
        using var session = new HttpSession(App);

        for (var i = 0; i < 4; i++)
        {
            await session.LoginAsync("leo", "wrong-password-1");
        }

        Assert.Equal(HttpStatusCode.Redirect, (await session.LoginAsync("leo", "leo-password-1")).StatusCode);
    }

    [Fact]
    public async Task Login_BannedUser_Refused()
    {
        var userId = await CreateUserAsync("mallory", "mallory-password-1");
        await using (var scope = App.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<UserAdminService>().BanAsync(userId, await AdminActorAsync());
        }

        using var session = new HttpSession(App);
        using var response = await session.LoginAsync("mallory", "mallory-password-1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("banned", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_UserBannedWhileSignedIn_SignedOutAtNextRequest()
    {
        var userId = await CreateUserAsync("nina", "nina-password-1");
        using var session = new HttpSession(App);
        await session.LoginAsync("nina", "nina-password-1");
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/")).StatusCode);

        await using (var scope = App.CreateScope())
        {
            Assert.True((await scope.ServiceProvider.GetRequiredService<UserAdminService>().BanAsync(userId, await AdminActorAsync())).Succeeded);
        }

        using var response = await session.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logout_SignedIn_ClearsSession()
    {
        await CreateUserAsync("oscar", "oscar-password-1");
        using var session = new HttpSession(App);
        await session.LoginAsync("oscar", "oscar-password-1");

        // The change-password page carries an antiforgery token usable for the logout POST.
        var html = await (await session.GetAsync("/account/change-password")).Content.ReadAsStringAsync();
        var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = System.Net.WebUtility.HtmlDecode(token) });
        using var logout = await session.Client.PostAsync("/account/logout", content);

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await session.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task ChangePassword_CorrectCurrent_NewPasswordWorks()
    {
        await CreateUserAsync("paul", "paul-password-1");
        using var session = new HttpSession(App);
        await session.LoginAsync("paul", "paul-password-1");

        using var response = await session.PostFormAsync("/account/change-password", "change-password", new Dictionary<string, string>
        {
            ["Input.CurrentPassword"] = "paul-password-1",
            ["Input.NewPassword"] = "paul-password-2",
            ["Input.ConfirmPassword"] = "paul-password-2",
        });

        Assert.Contains("Your password has been changed.", await response.Content.ReadAsStringAsync());
        using var fresh = new HttpSession(App);
        Assert.Equal(HttpStatusCode.Redirect, (await fresh.LoginAsync("paul", "paul-password-2")).StatusCode);
    }

    [Fact]
    public async Task ChangePassword_WrongCurrent_FieldErrorAndUnchanged()
    {
        await CreateUserAsync("quinn", "quinn-password-1");
        using var session = new HttpSession(App);
        await session.LoginAsync("quinn", "quinn-password-1");

        using var response = await session.PostFormAsync("/account/change-password", "change-password", new Dictionary<string, string>
        {
            ["Input.CurrentPassword"] = "nope-password-1",
            ["Input.NewPassword"] = "quinn-password-2",
            ["Input.ConfirmPassword"] = "quinn-password-2",
        });

        Assert.Contains("The current password is wrong.", await response.Content.ReadAsStringAsync());
        using var fresh = new HttpSession(App);
        Assert.Equal(HttpStatusCode.Redirect, (await fresh.LoginAsync("quinn", "quinn-password-1")).StatusCode);
    }
}
