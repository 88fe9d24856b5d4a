using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Persistence;
using ArbitrageEngine.Engine.Persistence.Engine;
using ArbitrageEngine.Web.Persistence;
using ArbitrageEngine.Engine.Persistence.Entities;
using ArbitrageEngine.Engine.Persistence.Strategies;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Web.Accounts;
using ArbitrageEngine.Web.Hosting.Market;
using ArbitrageEngine.Web.Live;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Strategies;

/// <summary>
/// Every change to a strategy, for the UI and the API alike: validated (per-field errors, nothing partially
/// saved), audited in the same transaction, and handed to the engine, which applies it before its next tick.
/// </summary>
public sealed class StrategyService(ArbitrageDbContext db, AuditLog audit, EngineCommandQueue engine, IOptions<MarketOptions> market, TimeProvider clock, LiveNotifier? notifier = null, StrategyQuota? quota = null)
{
    private const string TargetType = "strategy";
    public const decimal MaxTopUp = 1_000_000m;

    public async Task<StrategyDefinition?> FindAsync(Guid id, CancellationToken ct = default) =>
        await db.Strategies.AsNoTracking().SingleOrDefaultAsync(s => s.StrategyId == id, ct) is { } row ? StrategyRowMapper.ToDefinition(row) : null;

    public async Task<IReadOnlyList<StrategyDefinition>> ListAsync(bool includeDeprecated, CancellationToken ct = default)
    {
        var rows = await db.Strategies.AsNoTracking()
            .Where(s => includeDeprecated || s.Status != "deprecated")
            .OrderBy(s => s.CreatedAt).ThenBy(s => s.StrategyId)
            .ToListAsync(ct);
        return [.. rows.Select(StrategyRowMapper.ToDefinition)];
    }

    public async Task<OperationResult<StrategyDefinition>> CreateAsync(StrategyDefinition draft, AuditActor actor, CancellationToken ct = default)
    {
        var definition = draft with
        {
            StrategyId = Guid.CreateVersion7(clock.GetUtcNow()),
            DisplayName = draft.DisplayName?.Trim() ?? "",
            Status = StrategyStatus.Running,
            CurrentBalance = draft.InitialBalance,
        };
        if (Validate(definition) is { } invalid)
        {
            return invalid;
        }

        if (quota is not null && await quota.CheckAsync(actor, ct) is { } refused)
        {
            return refused;
        }

        StrategyRowChanges.AddNew(db, definition, clock.GetUtcNow());
        audit.Add(actor, "strategy.create", TargetType, definition.StrategyId.ToString(), after: definition);
        var command = new UpsertStrategyCommand(NewCommandId(), definition);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await db.SaveChangesAsync(ct);
            await LogCommandAsync(command, actor, ct);
            await tx.CommitAsync(ct);
        }

        engine.Post(command);
        notifier?.Publish(new StrategyChangedEvent(definition.StrategyId, "create"));
        return new(definition, OperationResult.Ok);
    }

    /// <summary>Changes the parameters; symbol, initial balance and status cannot change here.</summary>
    public async Task<OperationResult<StrategyDefinition>> UpdateAsync(Guid id, StrategyDefinition draft, AuditActor actor, CancellationToken ct = default)
    {
        var row = await db.Strategies.SingleOrDefaultAsync(s => s.StrategyId == id, ct);
        if (row is null)
        {
            return NotFound();
        }

        var before = StrategyRowMapper.ToDefinition(row);
        var errors = new Dictionary<string, string>();
        if (!string.Equals(draft.Symbol, before.Symbol, StringComparison.Ordinal))
        {
            errors["symbol"] = "The symbol cannot change after creation.";
        }

        if (draft.InitialBalance != before.InitialBalance)
        {
            errors["initial_balance"] = "The initial balance cannot be edited; use add balance.";
        }

        if (errors.Count > 0)
        {
            return new OperationResult(errors);
        }

        var after = draft with
        {
            StrategyId = id,
            DisplayName = draft.DisplayName?.Trim() ?? "",
            Symbol = before.Symbol,
            Status = before.Status,
            InitialBalance = before.InitialBalance,
            CurrentBalance = before.CurrentBalance,
        };
        if (Validate(after) is { } invalid)
        {
            return invalid;
        }

        StrategyRowMapper.ApplyTo(after, row, includeBalances: false);
        row.UpdatedAt = clock.GetUtcNow();
        audit.Add(actor, "strategy.update", TargetType, id.ToString(), before, after);
        var command = new UpsertStrategyCommand(NewCommandId(), after);
        if (await SaveAsync(command, actor, ct) is { } conflict)
        {
            return conflict;
        }

        engine.Post(command);
        notifier?.Publish(new StrategyChangedEvent(id, "update"));
        return new(after, OperationResult.Ok);
    }

    public Task<OperationResult<StrategyDefinition>> PauseAsync(Guid id, AuditActor actor, CancellationToken ct = default) =>
        ChangeStatusAsync(id, StrategyStatus.Running, StrategyStatus.Paused, "strategy.pause", actor, ct);

    public Task<OperationResult<StrategyDefinition>> ResumeAsync(Guid id, AuditActor actor, CancellationToken ct = default) =>
        ChangeStatusAsync(id, StrategyStatus.Paused, StrategyStatus.Running, "strategy.resume", actor, ct);

    /// <summary>Deprecates a running or paused strategy; <paramref name="confirmed"/> must be true (the UI asks first).</summary>
    public Task<OperationResult<StrategyDefinition>> DeprecateAsync(Guid id, bool confirmed, AuditActor actor, CancellationToken ct = default) =>
        confirmed
            ? ChangeStatusAsync(id, null, StrategyStatus.Deprecated, "strategy.deprecate", actor, ct)
            : Task.FromResult<OperationResult<StrategyDefinition>>(OperationResult.Fail("confirm", "Confirm the deprecation."));

    /// <summary>Brings a deprecated strategy back, paused, so the user decides when it runs again.</summary>
    public Task<OperationResult<StrategyDefinition>> RestoreAsync(Guid id, AuditActor actor, CancellationToken ct = default) =>
        ChangeStatusAsync(id, StrategyStatus.Deprecated, StrategyStatus.Paused, "strategy.restore", actor, ct);

    /// <summary>Adds <paramref name="amount"/> USDT to both the initial and the current balance, recorded in balance_events.</summary>
    public async Task<OperationResult<StrategyDefinition>> AddBalanceAsync(Guid id, decimal amount, AuditActor actor, CancellationToken ct = default)
    {
        if (decimal.Round(amount, 8) <= 0 || amount > MaxTopUp) // balances are numeric(20,8): a smaller amount would add nothing
        {
            return OperationResult.Fail("amount", $"The amount must be more than 0 and at most {MaxTopUp:N0} USDT.");
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // One statement, so a trade closing at the same moment cannot be lost (no read-modify-write).
        var updated = await db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE strategies SET initial_balance = initial_balance + {amount}, current_balance = current_balance + {amount}, updated_at = now() WHERE strategy_id = {id}", ct);
        if (updated == 0)
        {
            return NotFound();
        }

        var row = await db.Strategies.AsNoTracking().SingleAsync(s => s.StrategyId == id, ct);
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO balance_events (strategy_id, amount, initial_balance_after, current_balance_after, actor) VALUES ({id}, {amount}, {row.InitialBalance}, {row.CurrentBalance}, {actor.UserName})", ct);
        var after = StrategyRowMapper.ToDefinition(row);
        audit.Add(actor, "strategy.add_balance", TargetType, id.ToString(), new { amount }, new { initial_balance = row.InitialBalance, current_balance = row.CurrentBalance });
        await db.SaveChangesAsync(ct);
        var command = new TopUpCommand(NewCommandId(), id, (double)amount);
        await LogCommandAsync(command, actor, ct);
        await tx.CommitAsync(ct);
        engine.Post(command);
        notifier?.Publish(new StrategyChangedEvent(id, "add_balance"));
        return new(after, OperationResult.Ok);
    }

    private async Task<OperationResult<StrategyDefinition>> ChangeStatusAsync(Guid id, StrategyStatus? from, StrategyStatus to, string action, AuditActor actor, CancellationToken ct)
    {
        var row = await db.Strategies.SingleOrDefaultAsync(s => s.StrategyId == id, ct);
        if (row is null)
        {
            return NotFound();
        }

        var before = StrategyRowMapper.ToDefinition(row);
        if ((from is { } required && before.Status != required) || before.Status == to)
        {
            return OperationResult.Fail("status", $"A {before.Status.Name()} strategy cannot be {to.Name()} by this action.");
        }

        StrategyRowChanges.SetStatus(row, to, clock.GetUtcNow());
        var after = before with { Status = to };
        audit.Add(actor, action, TargetType, id.ToString(), new { status = before.Status.Name() }, new { status = to.Name() });
        var command = new SetStatusCommand(NewCommandId(), id, to);
        if (await SaveAsync(command, actor, ct) is { } conflict)
        {
            return conflict;
        }

        engine.Post(command);
        notifier?.Publish(new StrategyChangedEvent(id, action["strategy.".Length..]));
        return new(after, OperationResult.Ok);
    }

    private OperationResult? Validate(StrategyDefinition definition)
    {
        var errors = StrategyValidator.Validate(definition, market.Value.Symbols);
        return errors.Count == 0 ? null : new OperationResult(errors.ToDictionary(e => e.Key, e => string.Join(" ", e.Value)));
    }

    private Guid NewCommandId() => Guid.CreateVersion7(clock.GetUtcNow());

    /// <summary>Logs the engine command in the caller's transaction: stored with the change it describes, or not at all.</summary>
    private Task LogCommandAsync(EngineCommand command, AuditActor actor, CancellationToken ct) =>
        EngineJournal.AppendCommandAsync(
            (NpgsqlConnection)db.Database.GetDbConnection(),
            (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction(),
            command,
            actor.UserName,
            ct);

    private async Task<OperationResult?> SaveAsync(EngineCommand command, AuditActor actor, CancellationToken ct)
    {
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.SaveChangesAsync(ct);
            await LogCommandAsync(command, actor, ct);
            await tx.CommitAsync(ct);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return OperationResult.Fail("", "The strategy changed meanwhile (a trade closed or someone else saved); reload and try again.");
        }
    }

    private static OperationResult NotFound() => OperationResult.Fail("", "Strategy not found.");
}
