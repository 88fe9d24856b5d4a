using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Accounts;
using ArbitrageEngine.Web.Persistence.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ArbitrageEngine.Tests.Web.Accounts;

/// <summary>Issue 14 findings 2, 3 and 7: rate limits, no hard lockout, uniform errors, common passwords, sessions.</summary>
public sealed partial class SignInSecurityTests(PostgresFixture postgres) : AppTest(postgres)
{
    // The test server has no client address of its own: requests say where they come from as a trusted proxy would.
    protected override IReadOnlyDictionary<string, string>? Settings => new Dictionary<string, string>
    {
        ["Accounts:KnownProxies:0"] = "127.0.0.1",
        ["Accounts:AttemptsPerAddressPerMinute"] = "5",
    };

    private HttpSession From(string address)
    {
        var session = new HttpSession(App);
        session.Client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return session;
    }

    private async Task<AppUser> CreateUserAsync(string userName, string password, bool banned = false)
    {
        await using var scope = App.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = userName, IsBanned = banned };
        Assert.True((await users.CreateAsync(user, password)).Succeeded);
        await users.AddToRoleAsync(user, Roles.User);
        return user;
    }

    private static async Task<string?> LoginErrorAsync(HttpResponseMessage response) =>
        LoginError().Match(await response.Content.ReadAsStringAsync()) is { Success: true } m ? m.Groups[1].Value : null;

    [Fact]
    public async Task Login_SixWrongFromOneAddress_429AndAdminStillSignsInElsewhereWithTokensWorking()
    {
        await using var db = App.CreateDbContext();
        var admin = await db.Users.SingleAsync(u => u.UserName == TestApp.AdminUserName);
        string token;
        await using (var scope = App.CreateScope())
        {
            token = (await scope.ServiceProvider.GetRequiredService<ApiTokenService>().CreateAsync(admin.Id, "cli", new AuditActor("admin", admin.Id, null))).Value!;
        }

        using var attacker = From("10.0.0.66");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var attempt = await attacker.LoginAsync(TestApp.AdminUserName, "wrong-password-" + i);
            statuses.Add(attempt.StatusCode);
            if (attempt.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Contains("Too many attempts", await attempt.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 5), HttpStatusCode.TooManyRequests], statuses);

        using var owner = From("10.0.0.7");
        using var login = await owner.LoginAsync(TestApp.AdminUserName, TestApp.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/admin/users")).StatusCode);

        using var api = App.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/strategies")).StatusCode);
    }

    [Fact]
    public async Task Login_UnknownWrongOrBanned_SameMessageAndBannedToldOnlyWithRightPassword()
    {
        await CreateUserAsync("lena", "lena-password-1");
        await CreateUserAsync("mona", "mona-password-1", banned: true);

        using var a = From("10.0.1.1");
        using var b = From("10.0.1.2");
        using var c = From("10.0.1.3");
        using var d = From("10.0.1.4");
        var unknown = await LoginErrorAsync(await a.LoginAsync("nobody-here", "some-password-1"));
        var wrong = await LoginErrorAsync(await b.LoginAsync("lena", "some-password-1"));
        var bannedWrong = await LoginErrorAsync(await c.LoginAsync("mona", "some-password-1"));
        var bannedRight = await LoginErrorAsync(await d.LoginAsync("mona", "mona-password-1"));

        Assert.Equal("Invalid user name or password.", unknown);
        Assert.Equal(unknown, wrong);
        Assert.Equal(unknown, bannedWrong);
        Assert.Contains("banned", bannedRight, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginAndRegister_NulInFields_400Not500()
    {
        using var session = From("10.0.6.1");

        using var login = await session.LoginAsync("ad\0min", "whatever-password-1");
        using var register = await session.RegisterAsync("CODE\0-1234", "nuller", "nuller-password-1");

        Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);
        Assert.Contains("not allowed", await login.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, register.StatusCode);
        await using var db = App.CreateDbContext();
        Assert.False(await db.Users.AnyAsync(u => u.UserName == "nuller"));
    }

    [Theory]
    [InlineData("Password2026!")]
    [InlineData("qwertyuiop12")]
    [InlineData("abcabcabcabc")]
    [InlineData("short-pw-1")]
    public async Task Register_CommonOrShortPassword_RefusedWithFieldError(string password)
    {
        string code;
        await using (var scope = App.CreateScope())
        {
            code = (await scope.ServiceProvider.GetRequiredService<InviteService>().GenerateAsync(new GenerateInvitesRequest { Count = 1, MaxUses = 1, ExpiresInDays = 1 }, AuditActor.System)).Value![0];
        }

        using var session = From("10.0.2.1");
        using var response = await session.RegisterAsync(code, "newcomer", password);

        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches("too common|12 to 128", html);
        await using var db = App.CreateDbContext();
        Assert.False(await db.Users.AnyAsync(u => u.UserName == "newcomer"));
    }

    [Theory]
    [InlineData("password", true)]
    [InlineData("P@ssw0rd2026", true)]
    [InlineData("Qwerty123456!", true)]
    [InlineData("zzzzzzzzzzzz", true)]
    [InlineData("correct-horse-battery", false)]
    [InlineData("test-admin-pass-1", false)]
    public void IsCommon_Password_MatchesList(string password, bool common) =>
        Assert.Equal(common, CommonPasswordValidator.IsCommon(password));

    [Fact]
    public async Task ChangePassword_WrongCurrent_CountsAsFailedSignIn()
    {
        await CreateUserAsync("nora", "nora-password-1");
        using var session = From("10.0.3.1");
        Assert.Equal(HttpStatusCode.Redirect, (await session.LoginAsync("nora", "nora-password-1")).StatusCode);
        var throttle = App.Services.GetRequiredService<SignInThrottle>();

        using var response = await session.PostFormAsync("/account/change-password", "change-password", new Dictionary<string, string>
        {
            ["Input.CurrentPassword"] = "not-the-password",
            ["Input.NewPassword"] = "nora-new-password-2",
            ["Input.ConfirmPassword"] = "nora-new-password-2",
        });

        Assert.Contains("The current password is wrong.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, throttle.Failures("nora"));
        await using var db = App.CreateDbContext();
        Assert.Equal(1, (await db.Users.SingleAsync(u => u.UserName == "nora")).AccessFailedCount);
    }

    [Fact]
    public async Task Logout_CopiedCookieReplayed_RedirectedToLogin()
    {
        await CreateUserAsync("olga", "olga-password-1");
        using var session = From("10.0.4.1");
        using var login = await session.LoginAsync("olga", "olga-password-1");
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var cookie = login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("ae.auth=", StringComparison.Ordinal));

        // Sign out as the layout's button does: a POST with the antiforgery token of a page of this session.
        using var page = await session.GetAsync("/account/change-password");
        var token = AntiforgeryToken().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token) });
        using var logout = await session.Client.PostAsync("/account/logout", form);
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        using var thief = App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        thief.DefaultRequestHeaders.Add("Cookie", cookie);
        using var replay = await thief.GetAsync("/plaza");

        Assert.Equal(HttpStatusCode.Redirect, replay.StatusCode);
        Assert.Contains("/account/login", replay.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bootstrap_PrintedPassword_MustBeChangedBeforeUsingTheApp()
    {
        // Stand-in for the printed password: the flag the bootstrap sets when no Seed:AdminPassword is given.
        await CreateUserAsync("petra", "petra-password-1");
        await using (var scope = App.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            await users.AddClaimAsync((await users.FindByNameAsync("petra"))!, new System.Security.Claims.Claim(AccountClaims.MustChangePassword, "1"));
        }

        using var session = From("10.0.5.1");
        Assert.Equal(HttpStatusCode.Redirect, (await session.LoginAsync("petra", "petra-password-1")).StatusCode);
        using var blocked = await session.GetAsync("/plaza");
        Assert.Equal("/account/change-password", blocked.Headers.Location?.OriginalString);

        using var changed = await session.PostFormAsync("/account/change-password", "change-password", new Dictionary<string, string>
        {
            ["Input.CurrentPassword"] = "petra-password-1",
            ["Input.NewPassword"] = "petra-new-password-2",
            ["Input.ConfirmPassword"] = "petra-new-password-2",
        });
        Assert.Contains("change-password-done", await changed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/plaza")).StatusCode);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex("data-testid=\"login-error\">([^<]*)<")]
    private static partial Regex LoginError();
}
