using ArbitrageEngine.Web.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Accounts;

/// <summary>
/// Caps the strategies one user creates (<see cref="AccountsOptions.MaxStrategiesPerUser"/>). Strategies carry no
/// owner column; the append-only audit log of creations is the record of who created what, deprecated ones included
/// (so deprecating does not reset the allowance). System actors (seeding) are not capped.
/// </summary>
public sealed class StrategyQuota(ArbitrageDbContext db, IOptions<AccountsOptions> options)
{
    public async Task<OperationResult?> CheckAsync(AuditActor actor, CancellationToken ct = default)
    {
        if (actor.UserId is null)
        {
            return null;
        }

        var max = options.Value.MaxStrategiesPerUser;
        var created = await db.AuditLog.CountAsync(e => e.ActorId == actor.UserId && e.Action == "strategy.create", ct);
        return created >= max ? OperationResult.Fail("", $"You have created the maximum of {max} strategies.") : null;
    }
}
