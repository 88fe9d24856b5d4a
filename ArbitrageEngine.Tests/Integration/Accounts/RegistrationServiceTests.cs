using ArbitrageEngine.Web.Persistence.Entities;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ArbitrageEngine.Tests.Integration.Accounts;

public sealed class RegistrationServiceTests(PostgresFixture postgres) : AppTest(postgres)
{
    private async Task<string> CreateCodeAsync(int maxUses = 1, DateTimeOffset? expiresAt = null, bool active = true, int uses = 0)
    {
        await using var db = App.CreateDbContext();
        var code = new InviteCode { Code = InviteService.NewCode(), MaxUses = maxUses, ExpiresAt = expiresAt, Active = active, Uses = uses, CreatedBy = "test" };
        db.InviteCodes.Add(code);
        await db.SaveChangesAsync();
        return code.Code;
    }

    private async Task<OperationResult<AppUser>> RegisterAsync(string code, string userName, string password = "secret-password-1", string? confirm = null)
    {
        await using var scope = App.CreateScope();
        var service = scope.ServiceProvider.GetRequiredService<RegistrationService>();
        return await service.RegisterAsync(new RegisterRequest
        {
            InviteCode = code,
            UserName = userName,
            Password = password,
            ConfirmPassword = confirm ?? password,
        }, "127.0.0.1");
    }

    private async Task<(int Uses, int Users, int UseRows)> CountsAsync(string code)
    {
        await using var db = App.CreateDbContext();
        var invite = await db.InviteCodes.AsNoTracking().SingleAsync(c => c.Code == code);
        return (invite.Uses, await db.Users.CountAsync(), await db.InviteCodeUses.CountAsync(u => u.InviteCodeId == invite.Id));
    }

    [Fact]
    public async Task RegisterAsync_ValidCode_CreatesUserConsumesUseAndAudits()
    {
        var code = await CreateCodeAsync(maxUses: 2);

        var result = await RegisterAsync(code.ToLowerInvariant(), "alice");

        Assert.True(result.Succeeded, string.Join("; ", result.Status.Errors));
        await using var db = App.CreateDbContext();
        var invite = await db.InviteCodes.Include(c => c.UseRecords).SingleAsync(c => c.Code == code);
        Assert.Equal(1, invite.Uses);
        var use = Assert.Single(invite.UseRecords);
        Assert.Equal("alice", use.UserName);
        var user = await db.Users.SingleAsync(u => u.UserName == "alice");
        Assert.Contains(await db.UserRoles.Where(r => r.UserId == user.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name).ToListAsync(), n => n == Roles.User);
        Assert.True(await db.AuditLog.AnyAsync(a => a.Action == "user.register" && a.TargetId == user.Id));
    }

    [Fact]
    public async Task RegisterAsync_UnknownCode_RefusedWithInviteFieldError()
    {
        var result = await RegisterAsync("NOPE-NOPE-NOPE", "bob");

        Assert.False(result.Succeeded);
        Assert.Contains("does not exist", result.Status.ErrorFor(nameof(RegisterRequest.InviteCode)));
        await using var db = App.CreateDbContext();
        Assert.False(await db.Users.AnyAsync(u => u.UserName == "bob"));
    }

    [Fact]
    public async Task RegisterAsync_ExpiredCode_RefusedAndNothingConsumed()
    {
        var code = await CreateCodeAsync(expiresAt: DateTimeOffset.UtcNow.AddMinutes(-1));
        var before = await CountsAsync(code);

        var result = await RegisterAsync(code, "carol");

        Assert.Contains("expired", result.Status.ErrorFor(nameof(RegisterRequest.InviteCode)));
        Assert.Equal(before, await CountsAsync(code));
    }

    [Fact]
    public async Task RegisterAsync_DisabledCode_Refused()
    {
        var code = await CreateCodeAsync(active: false);

        var result = await RegisterAsync(code, "dave");

        Assert.Contains("disabled", result.Status.ErrorFor(nameof(RegisterRequest.InviteCode)));
        Assert.Equal(0, (await CountsAsync(code)).UseRows);
    }

    [Fact]
    public async Task RegisterAsync_ExhaustedCode_Refused()
    {
        var code = await CreateCodeAsync(maxUses: 1);
        Assert.True((await RegisterAsync(code, "erin")).Succeeded);

        var result = await RegisterAsync(code, "frank");

        Assert.Contains("no uses left", result.Status.ErrorFor(nameof(RegisterRequest.InviteCode)));
        Assert.Equal(1, (await CountsAsync(code)).Uses);
    }

    [Fact]
    public async Task RegisterAsync_InvalidInput_PerFieldErrorsAndNothingChanged()
    {
        var code = await CreateCodeAsync();
        var before = await CountsAsync(code);

        var result = await RegisterAsync(code, "x!", password: "short", confirm: "different");

        Assert.NotNull(result.Status.ErrorFor(nameof(RegisterRequest.UserName)));
        Assert.NotNull(result.Status.ErrorFor(nameof(RegisterRequest.Password)));
        Assert.NotNull(result.Status.ErrorFor(nameof(RegisterRequest.ConfirmPassword)));
        Assert.Equal(before, await CountsAsync(code));
    }

    [Fact]
    public async Task RegisterAsync_PasswordRejectedByIdentity_UseRolledBack()
    {
        var code = await CreateCodeAsync();

        var result = await RegisterAsync(code, "gina", password: "Password2026!");

        Assert.NotNull(result.Status.ErrorFor(nameof(RegisterRequest.Password)));
        Assert.Equal(0, (await CountsAsync(code)).Uses);
    }

    [Fact]
    public async Task RegisterAsync_DuplicateUserName_RefusedAndUseRolledBack()
    {
        var code = await CreateCodeAsync(maxUses: 5);
        Assert.True((await RegisterAsync(code, "henry")).Succeeded);

        var result = await RegisterAsync(code, "HENRY");

        Assert.NotNull(result.Status.ErrorFor(nameof(RegisterRequest.UserName)));
        Assert.Equal(1, (await CountsAsync(code)).Uses);
    }

    [Fact]
    public async Task RegisterAsync_ConcurrentRegistrationsOnOneUseCode_ExactlyOneSucceeds()
    {
        // Several rounds, each racing registrations for the single use of a fresh code.
        for (var round = 0; round < 5; round++)
        {
            var code = await CreateCodeAsync(maxUses: 1);
            using var start = new SemaphoreSlim(0);
            var attempts = Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
            {
                await start.WaitAsync();
                return await RegisterAsync(code, $"racer{round}_{i}");
            })).ToList();
            start.Release(attempts.Count);
            var results = await Task.WhenAll(attempts);

            Assert.Equal(1, results.Count(r => r.Succeeded));
            Assert.All(results.Where(r => !r.Succeeded), r => Assert.Contains("no uses left", r.Status.ErrorFor(nameof(RegisterRequest.InviteCode))));
            var counts = await CountsAsync(code);
            Assert.Equal(1, counts.Uses);
            Assert.Equal(1, counts.UseRows);
        }
    }
}
