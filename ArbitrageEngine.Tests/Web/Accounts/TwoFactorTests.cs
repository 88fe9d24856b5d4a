using System.Net;
using System.Text.RegularExpressions;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Persistence.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ArbitrageEngine.Tests.Web.Accounts;

/// <summary>Issue 14 finding 4: TOTP enrolment, sign-in with the code, one-use recovery codes, admin requirement.</summary>
public sealed partial class TwoFactorTests(PostgresFixture postgres) : AppTest(postgres)
{
    private static Dictionary<string, string> Form(params (string Key, string Value)[] fields) => fields.ToDictionary(f => f.Key, f => f.Value);

    /// <summary>Signs in, enrols with the code computed from the shown key; returns the key and the recovery codes.</summary>
    private static async Task<(string Key, string[] RecoveryCodes)> EnrolAsync(HttpSession session, string userName, string password)
    {
        Assert.Equal(HttpStatusCode.Redirect, (await session.LoginAsync(userName, password)).StatusCode);
        using var page = await session.GetAsync("/account/two-factor");
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"two-factor page: {(int)page.StatusCode} {page.Headers.Location}");
        var html = await page.Content.ReadAsStringAsync();
        var key = Secret().Match(html).Groups[1].Value;
        Assert.NotEmpty(key);
        Assert.Contains("<svg", html, StringComparison.Ordinal);

        using var enabled = await session.PostFormAsync("/account/two-factor", "enable-2fa",
            Form(("Enable.Password", password), ("Enable.Code", Totp.Code(key))));
        var result = await enabled.Content.ReadAsStringAsync();
        var codes = WebUtility.HtmlDecode(Codes().Match(result).Groups[1].Value).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(codes.Length == 10, $"enrolment failed: {(int)enabled.StatusCode} {ErrorText().Match(result).Value}");
        return (key, codes);
    }

    private async Task CreateUserAsync(string userName, string password, string role = Roles.User)
    {
        await using var scope = App.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = userName };
        Assert.True((await users.CreateAsync(user, password)).Succeeded);
        await users.AddToRoleAsync(user, role);
    }

    [Fact]
    public async Task SignIn_AfterEnrolment_RequiresTheCode()
    {
        await CreateUserAsync("quentin", "quentin-password-1");
        using (var enrol = new HttpSession(App))
        {
            var (key, _) = await EnrolAsync(enrol, "quentin", "quentin-password-1");

            using var session = new HttpSession(App);
            using var login = await session.LoginAsync("quentin", "quentin-password-1");
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            Assert.Contains("/account/login-2fa", login.Headers.Location!.OriginalString, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Redirect, (await session.GetAsync("/plaza")).StatusCode);

            using var wrong = await session.PostFormAsync("/account/login-2fa", "login-2fa", Form(("Input.Code", "000000")));
            Assert.Contains("not valid", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            using var right = await session.PostFormAsync("/account/login-2fa", "login-2fa", Form(("Input.Code", Totp.Code(key))));
            Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/plaza")).StatusCode);
        }

        await using var db = App.CreateDbContext();
        Assert.True(await db.AuditLog.AnyAsync(e => e.Action == "user.2fa_enable"));
        Assert.True(await db.AuditLog.AnyAsync(e => e.Action == "user.sign_in_2fa"));
    }

    [Fact]
    public async Task RecoveryCode_UsedTwice_WorksOnlyOnce()
    {
        await CreateUserAsync("rosa", "rosa-password-1");
        using var enrol = new HttpSession(App);
        var (_, codes) = await EnrolAsync(enrol, "rosa", "rosa-password-1");

        using var first = new HttpSession(App);
        await first.LoginAsync("rosa", "rosa-password-1");
        using var used = await first.PostFormAsync("/account/login-recovery", "login-recovery", Form(("Input.RecoveryCode", codes[0])));
        Assert.Equal(HttpStatusCode.Redirect, used.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/plaza")).StatusCode);

        using var second = new HttpSession(App);
        await second.LoginAsync("rosa", "rosa-password-1");
        using var reused = await second.PostFormAsync("/account/login-recovery", "login-recovery", Form(("Input.RecoveryCode", codes[0])));
        Assert.Contains("not valid or was already used", await reused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await second.GetAsync("/plaza")).StatusCode);
    }

    [Fact]
    public async Task AdminWithoutTwoFactor_OnceAnAdminEnrolled_SentToEnrol()
    {
        await CreateUserAsync("sven", "sven-password-1", Roles.Admin);
        using var before = new HttpSession(App);
        await before.LoginAsync("sven", "sven-password-1");
        Assert.Equal(HttpStatusCode.OK, (await before.GetAsync("/admin/users")).StatusCode);

        using var enrol = new HttpSession(App);
        await EnrolAsync(enrol, TestApp.AdminUserName, TestApp.AdminPassword);

        using var after = await before.GetAsync("/admin/users");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/account/two-factor", after.Headers.Location!.OriginalString);
    }

    [GeneratedRegex("data-testid=\"two-factor-error\">[^<]*|field-validation-error|validation-message\">[^<]*")]
    private static partial Regex ErrorText();

    [GeneratedRegex("data-testid=\"totp-secret\">([A-Z2-7]+)<")]
    private static partial Regex Secret();

    [GeneratedRegex("data-testid=\"recovery-codes\">([^<]*)<", RegexOptions.Singleline)]
    private static partial Regex Codes();
}
