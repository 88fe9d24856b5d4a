using System.Net;
using ArbitrageEngine.Web.Persistence.Entities;
using ArbitrageEngine.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace ArbitrageEngine.Tests.Web;

public sealed class AuthorizationTests(PostgresFixture postgres) : AppTest(postgres)
{
    public static TheoryData<string> Pages =>
        ["/", "/plaza", "/plaza/deprecated", "/backtest", "/evolve", "/market", "/system", "/admin/invites", "/admin/users", "/account/change-password"]; // unknown URLs: RoughEdgePageTests (not-found page, no login)

    public static TheoryData<string> AdminPages => ["/admin/invites", "/admin/users", "/system"];

    private async Task CreateUserAsync(string userName, string password)
    {
        await using var scope = App.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = userName };
        Assert.True((await users.CreateAsync(user, password)).Succeeded);
        await users.AddToRoleAsync(user, Roles.User);
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Get_AnonymousOnProtectedPage_RedirectsToLogin(string path)
    {
        using var session = new HttpSession(App);

        using var response = await session.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/account/login")]
    [InlineData("/account/register")]
    public async Task Get_AnonymousOnAccountPage_Returns200(string path)
    {
        using var session = new HttpSession(App);

        using var response = await session.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Health_Anonymous_Returns200Healthy()
    {
        using var session = new HttpSession(App);

        using var response = await session.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(AdminPages))]
    public async Task Get_NonAdminOnAdminPage_Returns403(string path)
    {
        await CreateUserAsync("plain", "plain-password-1");
        using var session = new HttpSession(App);
        Assert.Equal(HttpStatusCode.Redirect, (await session.LoginAsync("plain", "plain-password-1")).StatusCode);

        using var response = await session.GetAsync(path);
        var final = response.StatusCode == HttpStatusCode.Redirect ? await session.GetAsync(response.Headers.Location!.ToString()) : response;

        Assert.Equal(HttpStatusCode.Forbidden, final.StatusCode);
    }

    [Theory]
    [MemberData(nameof(AdminPages))]
    public async Task Get_AdminOnAdminPage_Returns200(string path)
    {
        using var session = new HttpSession(App);
        Assert.Equal(HttpStatusCode.Redirect, (await session.LoginAsync(TestApp.AdminUserName, TestApp.AdminPassword)).StatusCode);

        using var response = await session.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Get_SignedInOnBacktestPage_ShowsThePageNotAPlaceholder()
    {
        await CreateUserAsync("viewer", "viewer-password-1");
        using var session = new HttpSession(App);
        await session.LoginAsync("viewer", "viewer-password-1");

        using var response = await session.GetAsync("/backtest");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"page-title\"", html);
        Assert.DoesNotContain("Coming in a later version.", html);
    }
}
