using System.Net;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Accounts;
using ArbitrageEngine.Web.Components.Formatting;
using ArbitrageEngine.Web.Strategies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ArbitrageEngine.Tests.Web.Pages;

/// <summary>Rough edges a new user hit (issue 15), checked on the server-rendered pages of the real app.</summary>
public sealed class RoughEdgePageTests(PostgresFixture postgres) : AppTest(postgres)
{
    private async Task<HttpSession> AdminAsync()
    {
        var session = new HttpSession(App);
        await session.LoginAsync(TestApp.AdminUserName, TestApp.AdminPassword);
        return session;
    }

    private static async Task<string> HtmlAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    [Fact]
    public async Task UnknownUrl_Anonymous_ShowsAppNotFoundPageWith404()
    {
        using var session = new HttpSession(App);

        using var response = await session.GetAsync("/no/such/page");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("data-testid=\"not-found\"", await HtmlAsync(response));
    }

    [Fact]
    public async Task UnknownUrl_SignedIn_ShowsAppNotFoundPageWith404()
    {
        using var session = await AdminAsync();

        using var response = await session.GetAsync("/plaza/not-a-guid/whatever");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("data-testid=\"not-found\"", await HtmlAsync(response));
    }

    [Fact]
    public async Task UnknownApiUrl_KeepsBareStatus()
    {
        using var session = await AdminAsync();

        using var response = await session.GetAsync("/api/no-such-endpoint");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("not-found", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task StrategyDetail_AllZeroId_ShowsNotFoundInsteadOfLoading()
    {
        using var session = await AdminAsync();

        var html = await HtmlAsync(await session.GetAsync("/plaza/00000000-0000-0000-0000-000000000000"));

        Assert.Contains("data-testid=\"detail-not-found\"", html);
        Assert.DoesNotContain("data-testid=\"detail-loading\"", html);
    }

    [Fact]
    public async Task StrategyDetail_NoTrades_ShowsDashNotZeroPercent()
    {
        using var session = await AdminAsync();
        var id = await CreateStrategyAsync();

        var html = await HtmlAsync(await session.GetAsync($"/plaza/{id}?tab=paper"));

        Assert.DoesNotContain("0.0%", html);
        Assert.DoesNotContain("(0/0)", html);
        Assert.Matches("data-testid=\"paper-win-rate\"><b>—</b>", html);
    }

    [Fact]
    public async Task Favicon_EveryPage_IsServed()
    {
        using var session = new HttpSession(App);

        using var ico = await session.GetAsync("/favicon.ico");
        var login = await session.Client.GetStringAsync("/account/login");

        Assert.Equal(HttpStatusCode.OK, ico.StatusCode);
        Assert.Contains("rel=\"icon\"", login);
    }

    [Fact]
    public async Task AdminUsersAndInvites_Times_InBeijingTimeWithZoneLabel()
    {
        using var session = await AdminAsync();
        await using var db = App.CreateDbContext();
        var admin = await db.Users.SingleAsync(u => u.UserName == TestApp.AdminUserName);

        var users = await HtmlAsync(await session.GetAsync("/admin/users"));
        var invites = await HtmlAsync(await session.GetAsync("/admin/invites"));

        Assert.Contains("(UTC+8)", users);
        Assert.Contains(Fmt.Time(admin.CreatedAt, "yyyy-MM-dd HH:mm"), users);
        Assert.Contains("(UTC+8)", invites);
    }

    private async Task<Guid> CreateStrategyAsync()
    {
        await using var scope = App.CreateScope();
        await using var db = App.CreateDbContext();
        var admin = await db.Users.SingleAsync(u => u.UserName == TestApp.AdminUserName);
        var result = await scope.ServiceProvider.GetRequiredService<StrategyService>()
            .CreateAsync(StrategyDefinition.CreateDefault("BTCUSDT", "quiet"), new AuditActor(admin.UserName!, admin.Id, null));
        Assert.True(result.Succeeded);
        return result.Value!.StrategyId;
    }
}
