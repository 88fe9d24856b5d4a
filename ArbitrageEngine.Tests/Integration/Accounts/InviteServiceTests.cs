using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ArbitrageEngine.Tests.Integration.Accounts;

public sealed class InviteServiceTests(PostgresFixture postgres) : AppTest(postgres)
{
    private static readonly AuditActor Actor = new("admin", null, "10.0.0.1");

    private async Task<T> WithServiceAsync<T>(Func<InviteService, Task<T>> action)
    {
        await using var scope = App.CreateScope();
        return await action(scope.ServiceProvider.GetRequiredService<InviteService>());
    }

    [Fact]
    public async Task GenerateAsync_ValidRequest_CreatesActiveCodesAndAuditsEach()
    {
        var result = await WithServiceAsync(s => s.GenerateAsync(new GenerateInvitesRequest { Count = 3, MaxUses = 2, ExpiresInDays = 5 }, Actor));

        Assert.True(result.Succeeded);
        Assert.Equal(3, result.Value!.Distinct().Count());
        var list = await WithServiceAsync(s => s.ListAsync());
        Assert.All(result.Value!, code => Assert.Contains(list, i => i.Code == code && i.Status == InviteStatus.Active && i.MaxUses == 2 && i.ExpiresAt > DateTimeOffset.UtcNow.AddDays(4)));
        await using var db = App.CreateDbContext();
        var audits = await db.AuditLog.Where(a => a.Action == "invite.create" && a.Actor == "admin").ToListAsync();
        Assert.Equal(3, audits.Count);
        Assert.All(audits, a => Assert.Equal("10.0.0.1", a.Ip));
        Assert.All(audits, a => Assert.Contains("\"max_uses\": 2", a.After!.Replace("\":2", "\": 2", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task GenerateAsync_OutOfRangeValues_PerFieldErrorsAndNothingSaved()
    {
        await using var db = App.CreateDbContext();
        var before = await db.InviteCodes.CountAsync();

        var result = await WithServiceAsync(s => s.GenerateAsync(new GenerateInvitesRequest { Count = 0, MaxUses = 5000, ExpiresInDays = -1 }, Actor));

        Assert.False(result.Succeeded);
        Assert.NotNull(result.Status.ErrorFor(nameof(GenerateInvitesRequest.Count)));
        Assert.NotNull(result.Status.ErrorFor(nameof(GenerateInvitesRequest.MaxUses)));
        Assert.NotNull(result.Status.ErrorFor(nameof(GenerateInvitesRequest.ExpiresInDays)));
        Assert.Equal(before, await db.InviteCodes.CountAsync());
    }

    [Fact]
    public async Task DisableAsync_ActiveCode_DisabledAndAuditedWithBeforeAfter()
    {
        var code = (await WithServiceAsync(s => s.GenerateAsync(new GenerateInvitesRequest(), Actor))).Value![0];
        var id = (await WithServiceAsync(s => s.ListAsync())).Single(i => i.Code == code).Id;

        var result = await WithServiceAsync(s => s.DisableAsync(id, Actor));

        Assert.True(result.Succeeded);
        Assert.Equal(InviteStatus.Disabled, await WithServiceAsync(s => s.CheckAsync(code)));
        await using var db = App.CreateDbContext();
        var audit = await db.AuditLog.SingleAsync(a => a.Action == "invite.disable");
        Assert.Contains("true", audit.Before);
        Assert.Contains("false", audit.After);
        Assert.False((await WithServiceAsync(s => s.DisableAsync(id, Actor))).Succeeded);
    }

    [Fact]
    public void NewCode_Called_ReturnsGroupedUnambiguousCode()
    {
        var code = InviteService.NewCode();

        Assert.Matches("^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$", code);
        Assert.DoesNotContain('O', code);
        Assert.DoesNotContain('0', code);
    }
}
