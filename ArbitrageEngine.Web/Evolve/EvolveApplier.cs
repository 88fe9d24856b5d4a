using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Persistence.Engine;
using ArbitrageEngine.Engine.Persistence.Entities;
using ArbitrageEngine.Engine.Persistence.Strategies;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Web.Accounts;
using ArbitrageEngine.Web.Hosting.Market;
using ArbitrageEngine.Web.Live;
using ArbitrageEngine.Web.Persistence;
using ArbitrageEngine.Web.Strategies;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace ArbitrageEngine.Web.Evolve;

/// <summary>
/// Applies a plan in ONE transaction: the created strategies, the retirements, their audit entries (reason: the run id),
/// the engine commands in the command log and the finished run row with its reports. The strategy service opens a
/// transaction per change, so this does the same steps (row, audit, logged command, post after commit) for the whole
/// run at once (the rows through <see cref="StrategyRowChanges"/>, as the service stores them): a failure anywhere leaves
/// nothing half-created.
/// </summary>
public sealed class EvolveApplier(EvolveStore store, EngineCommandQueue engine, TimeProvider clock, LiveNotifier? notifier = null)
{
    /// <summary>Test seam: runs inside the transaction after the changes are staged (a throw simulates a crash mid-apply).</summary>
    internal Func<Task>? BeforeCommit { get; set; }

    public async Task ApplyAsync(ArbitrageDbContext db, AuditLog audit, AuditActor actor, Guid runId, EvolvePlan plan, string markdown, CancellationToken ct)
    {
        var reason = $"evolve run {runId}";
        var now = clock.GetUtcNow();
        var commands = new List<EngineCommand>();
        foreach (var definition in plan.Creations)
        {
            StrategyRowChanges.AddNew(db, definition, now);
            audit.Add(actor, "strategy.create", "strategy", definition.StrategyId.ToString(), after: new { reason, run_id = runId, strategy = definition });
            commands.Add(new UpsertStrategyCommand(Guid.CreateVersion7(now), definition));
        }

        foreach (var retired in plan.Retirements)
        {
            var row = await db.Strategies.SingleOrDefaultAsync(s => s.StrategyId == retired.StrategyId, ct)
                ?? throw new InvalidOperationException($"strategy {retired.StrategyId} to retire no longer exists");
            if (row.Status != StrategyStatus.Running.Name())
            {
                throw new InvalidOperationException($"strategy {retired.Name} to retire is {row.Status}, no longer running");
            }

            StrategyRowChanges.SetStatus(row, StrategyStatus.Deprecated, now);
            audit.Add(actor, "strategy.deprecate", "strategy", retired.StrategyId.ToString(), new { status = "running" }, new { status = "deprecated", reason, run_id = runId, fitness = retired.Fitness });
            commands.Add(new SetStatusCommand(Guid.CreateVersion7(now), retired.StrategyId, StrategyStatus.Deprecated));
        }

        audit.Add(actor, "evolve.apply", "evolve_run", runId.ToString(), after: new { reason, created = plan.Creations.Count, retired = plan.Retirements.Count });
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await db.SaveChangesAsync(ct);
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            var npgsqlTx = (NpgsqlTransaction)tx.GetDbTransaction();
            foreach (var command in commands)
            {
                await EngineJournal.AppendCommandAsync(conn, npgsqlTx, command, actor.UserName, ct);
            }

            await store.FinishAsync(runId, "succeeded", plan.Creations.Count, plan.Retirements.Count, EvolveRunner.Summary(plan.Report, "apply"), null, plan.Report, markdown, clock.GetUtcNow(), ct, conn, npgsqlTx);
            if (BeforeCommit is { } hook)
            {
                await hook();
            }

            await tx.CommitAsync(ct);
        }

        // Only committed changes reach the engine and the pages.
        foreach (var command in commands)
        {
            engine.Post(command);
            notifier?.Publish(new StrategyChangedEvent(command.StrategyId, command is UpsertStrategyCommand ? "create" : "deprecate"));
        }
    }
}
