using ArbitrageEngine.Web.Persistence;
using ArbitrageEngine.Web.Persistence.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace ArbitrageEngine.Web.Accounts;

public sealed record UserView(
    string Id,
    string UserName,
    string? Email,
    bool IsAdmin,
    bool IsBanned,
    DateTimeOffset? LockoutEnd,
    int AccessFailedCount,
    DateTimeOffset CreatedAt)
{
    public bool IsLockedOut(DateTimeOffset now) => LockoutEnd is { } end && end > now;
}

/// <summary>User administration (ban, roles, lockout); every change is audited with before/after state.</summary>
public sealed class UserAdminService(ArbitrageDbContext db, UserManager<AppUser> userManager, AuditLog audit, TimeProvider clock)
{
    public async Task<IReadOnlyList<UserView>> ListAsync(CancellationToken cancellationToken = default)
    {
        var adminIds = (await userManager.GetUsersInRoleAsync(Roles.Admin)).Select(u => u.Id).ToHashSet();
        var users = await db.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(cancellationToken);
        return users.Select(u => new UserView(u.Id, u.UserName ?? "", u.Email, adminIds.Contains(u.Id), u.IsBanned, u.LockoutEnd, u.AccessFailedCount, u.CreatedAt)).ToList();
    }

    public Task<OperationResult> BanAsync(string userId, AuditActor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(userId, actor, "user.ban", async user =>
        {
            if (user.Id == actor.UserId)
            {
                return OperationResult.Fail("", "You cannot ban yourself.");
            }

            if (user.IsBanned)
            {
                return OperationResult.Fail("", "User is already banned.");
            }

            user.IsBanned = true;
            user.BannedAt = clock.GetUtcNow();
            // A new security stamp invalidates every existing cookie at the user's next request.
            return FromIdentity(await userManager.UpdateSecurityStampAsync(user));
        }, cancellationToken);

    public Task<OperationResult> UnbanAsync(string userId, AuditActor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(userId, actor, "user.unban", async user =>
        {
            if (!user.IsBanned)
            {
                return OperationResult.Fail("", "User is not banned.");
            }

            user.IsBanned = false;
            user.BannedAt = null;
            return FromIdentity(await userManager.UpdateAsync(user));
        }, cancellationToken);

    public Task<OperationResult> GrantAdminAsync(string userId, AuditActor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(userId, actor, "user.grant_admin", async user =>
            await userManager.IsInRoleAsync(user, Roles.Admin)
                ? OperationResult.Fail("", "User is already an admin.")
                : FromIdentity(await userManager.AddToRoleAsync(user, Roles.Admin)), cancellationToken);

    public Task<OperationResult> RevokeAdminAsync(string userId, AuditActor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(userId, actor, "user.revoke_admin", async user =>
        {
            if (user.Id == actor.UserId)
            {
                return OperationResult.Fail("", "You cannot revoke your own admin role.");
            }

            if (!await userManager.IsInRoleAsync(user, Roles.Admin))
            {
                return OperationResult.Fail("", "User is not an admin.");
            }

            var removed = await userManager.RemoveFromRoleAsync(user, Roles.Admin);
            return removed.Succeeded ? FromIdentity(await userManager.UpdateSecurityStampAsync(user)) : FromIdentity(removed);
        }, cancellationToken);

    public Task<OperationResult> ClearLockoutAsync(string userId, AuditActor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(userId, actor, "user.clear_lockout", async user =>
        {
            var result = await userManager.SetLockoutEndDateAsync(user, null);
            return result.Succeeded ? FromIdentity(await userManager.ResetAccessFailedCountAsync(user)) : FromIdentity(result);
        }, cancellationToken);

    private async Task<OperationResult> ChangeAsync(string userId, AuditActor actor, string action, Func<AppUser, Task<OperationResult>> change, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var user = await userManager.FindByIdAsync(userId);
        if (user is null)
        {
            return OperationResult.Fail("", "User not found.");
        }

        var before = await SnapshotAsync(user);
        var result = await change(user);
        if (!result.Succeeded)
        {
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return result;
        }

        await audit.WriteAsync(actor, action, "user", user.Id, before, await SnapshotAsync(user), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return OperationResult.Ok;
    }

    private async Task<object> SnapshotAsync(AppUser user) => new
    {
        user_name = user.UserName,
        is_banned = user.IsBanned,
        roles = (await userManager.GetRolesAsync(user)).Order(StringComparer.Ordinal).ToArray(),
        lockout_end = user.LockoutEnd,
        access_failed_count = user.AccessFailedCount,
    };

    private static OperationResult FromIdentity(IdentityResult result) =>
        result.Succeeded ? OperationResult.Ok : OperationResult.Fail("", string.Join(" ", result.Errors.Select(e => e.Description)));
}
