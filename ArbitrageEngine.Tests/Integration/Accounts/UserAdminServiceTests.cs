using ArbitrageEngine.Web.Persistence.Entities;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ArbitrageEngine.Tests.Integration.Accounts;

public sealed class UserAdminServiceTests(PostgresFixture postgres) : AppTest(postgres)
{
    private async Task<(AuditActor Admin, string UserId)> SetUpAsync()
    {
        await using var scope = App.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var admin = await users.FindByNameAsync(TestApp.AdminUserName);
        var user = new AppUser { UserName = "victim" };
        Assert.True((await users.CreateAsync(user, "victim-password-1")).Succeeded);
        await users.AddToRoleAsync(user, Roles.User);
        return (new AuditActor(admin!.UserName!, admin.Id, "127.0.0.1"), user.Id);
    }

    private async Task<OperationResult> RunAsync(Func<UserAdminService, Task<OperationResult>> action)
    {
        await using var scope = App.CreateScope();
        return await action(scope.ServiceProvider.GetRequiredService<UserAdminService>());
    }

    [Fact]
    public async Task BanAsync_User_SetsFlagChangesStampAndAuditsBeforeAfter()
    {
        var (admin, userId) = await SetUpAsync();
        await using var before = App.CreateDbContext();
        var oldStamp = (await before.Users.AsNoTracking().SingleAsync(u => u.Id == userId)).SecurityStamp;

        Assert.True((await RunAsync(s => s.BanAsync(userId, admin))).Succeeded);

        await using var db = App.CreateDbContext();
        var user = await db.Users.SingleAsync(u => u.Id == userId);
        Assert.True(user.IsBanned);
        Assert.NotEqual(oldStamp, user.SecurityStamp);
        var audit = await db.AuditLog.SingleAsync(a => a.Action == "user.ban" && a.TargetId == userId);
        Assert.Equal(admin.UserName, audit.Actor);
        Assert.Contains("\"is_banned\": false", audit.Before);
        Assert.Contains("\"is_banned\": true", audit.After);
    }

    [Fact]
    public async Task BanAsync_Self_RefusedAndNothingAudited()
    {
        var (admin, _) = await SetUpAsync();

        var result = await RunAsync(s => s.BanAsync(admin.UserId!, admin));

        Assert.False(result.Succeeded);
        await using var db = App.CreateDbContext();
        Assert.False(await db.AuditLog.AnyAsync(a => a.Action == "user.ban"));
    }

    [Fact]
    public async Task GrantAndRevokeAdmin_User_RoleChangesBothWays()
    {
        var (admin, userId) = await SetUpAsync();

        Assert.True((await RunAsync(s => s.GrantAdminAsync(userId, admin))).Succeeded);
        await using var scope = App.CreateScope();
        var list = await scope.ServiceProvider.GetRequiredService<UserAdminService>().ListAsync();
        Assert.True(list.Single(u => u.Id == userId).IsAdmin);

        Assert.True((await RunAsync(s => s.RevokeAdminAsync(userId, admin))).Succeeded);
        await using var scope2 = App.CreateScope();
        Assert.False((await scope2.ServiceProvider.GetRequiredService<UserAdminService>().ListAsync()).Single(u => u.Id == userId).IsAdmin);
        await using var db = App.CreateDbContext();
        Assert.Equal(2, await db.AuditLog.CountAsync(a => a.TargetId == userId && (a.Action == "user.grant_admin" || a.Action == "user.revoke_admin")));
    }

    [Fact]
    public async Task ClearLockoutAsync_LockedUser_Unlocked()
    {
        var (admin, userId) = await SetUpAsync();
        await using (var scope = App.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var user = await users.FindByIdAsync(userId);
            await users.SetLockoutEndDateAsync(user!, DateTimeOffset.UtcNow.AddMinutes(15));
        }

        Assert.True((await RunAsync(s => s.ClearLockoutAsync(userId, admin))).Succeeded);

        await using var db = App.CreateDbContext();
        var cleared = await db.Users.SingleAsync(u => u.Id == userId);
        Assert.Null(cleared.LockoutEnd);
        Assert.Equal(0, cleared.AccessFailedCount);
    }
}
