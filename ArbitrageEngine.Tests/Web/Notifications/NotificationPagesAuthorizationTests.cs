using System.Net;
using ArbitrageEngine.Web.Persistence.Entities;
using ArbitrageEngine.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace ArbitrageEngine.Tests.Web.Notifications;

public sealed class NotificationPagesAuthorizationTests(PostgresFixture postgres) : AppTest(postgres)
{
    private async Task<HttpSession> PlainUserAsync()
    {
        await using (var scope = App.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var user = new AppUser { UserName = "plain" };
            Assert.True((await users.CreateAsync(user, "plain-pass-1")).Succeeded);
            await users.AddToRoleAsync(user, Roles.User);
        }

        var session = new HttpSession(App);
        Assert.Equal(HttpStatusCode.Redirect, (await session.LoginAsync("plain", "plain-pass-1")).StatusCode);
        return session;
    }

    [Fact]
    public async Task Get_NonAdminOnChannelAdmin_Returns403ButOwnSubscriptionsAndFunding200()
    {
        using var session = await PlainUserAsync();

        using var admin = await session.GetAsync("/admin/notifications");
        var final = admin.StatusCode == HttpStatusCode.Redirect ? await session.GetAsync(admin.Headers.Location!.ToString()) : admin;
        using var own = await session.GetAsync("/notifications");
        using var funding = await session.GetAsync("/funding");

        Assert.Equal(HttpStatusCode.Forbidden, final.StatusCode);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.OK, funding.StatusCode);
    }
}
