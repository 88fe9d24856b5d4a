using System.Net;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ArbitrageEngine.Tests.Web;

public sealed class RegisterPageTests(PostgresFixture postgres) : AppTest(postgres)
{
    private async Task<string> NewCodeAsync()
    {
        await using var scope = App.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<InviteService>().GenerateAsync(new GenerateInvitesRequest(), AuditActor.System);
        return result.Value![0];
    }

    [Fact]
    public async Task Register_ValidCode_SignsInAndRedirectsHome()
    {
        var code = await NewCodeAsync();
        using var session = new HttpSession(App);

        using var response = await session.RegisterAsync(code, "rita", "rita-password-1");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/")).StatusCode);
        await using var db = App.CreateDbContext();
        Assert.Equal(1, (await db.InviteCodes.SingleAsync(c => c.Code == code)).Uses);
    }

    [Fact]
    public async Task Register_InvalidCode_ShowsFieldErrorAndCreatesNoUser()
    {
        using var session = new HttpSession(App);

        using var response = await session.RegisterAsync("WRONG-CODE-1234", "sam", "sam-password-123");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("This invite code does not exist.", await response.Content.ReadAsStringAsync());
        await using var db = App.CreateDbContext();
        Assert.False(await db.Users.AnyAsync(u => u.UserName == "sam"));
    }

    [Fact]
    public async Task Register_MismatchedPasswords_ShowsFieldErrorAndConsumesNothing()
    {
        var code = await NewCodeAsync();
        using var session = new HttpSession(App);

        using var response = await session.RegisterAsync(code, "tom", "tom-password-123", "tom-password-456");

        Assert.Contains("The passwords do not match.", await response.Content.ReadAsStringAsync());
        await using var db = App.CreateDbContext();
        Assert.Equal(0, (await db.InviteCodes.SingleAsync(c => c.Code == code)).Uses);
    }
}
