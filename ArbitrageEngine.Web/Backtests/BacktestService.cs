using System.Security.Claims;
using System.Text.Json;
using ArbitrageEngine.Web.Persistence.Entities;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Backtests;

/// <summary>Who submits or manages a run.</summary>
public sealed record BacktestUser(string UserId, string UserName, bool IsAdmin)
{
    public static BacktestUser? From(ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) is { Length: > 0 } id
            ? new BacktestUser(id, user.Identity?.Name ?? id, user.IsInRole(Roles.Admin))
            : null;
}

/// <summary>The outcome of a submission: the queued run's id, or per-field errors (nothing stored).</summary>
public sealed record BacktestSubmission(Guid? RunId, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool Succeeded => RunId is not null;
}

/// <summary>What became of a cancel or delete request.</summary>
public enum BacktestActionResult
{
    Done,
    NotFound,
    Forbidden,
    NotRunning,
    StillRunning,
}

/// <summary>
/// Submitting, cancelling and deleting runs, shared by the API and the page: specs are checked by the planner
/// before anything is stored, the per-user queue cap applies, and only the owner or an admin may cancel or delete.
/// </summary>
public sealed class BacktestService(BacktestDatabase database, IBacktestJobs backtests, BacktestWorker worker, IOptions<BacktestJobOptions> options)
{
    /// <summary>Checks and queues a run of <paramref name="kind"/>.</summary>
    public async Task<BacktestSubmission> SubmitAsync(BacktestUser user, string kind, JsonElement spec, CancellationToken cancellationToken = default)
    {
        if (!BacktestRunKinds.IsValid(kind))
        {
            return new(null, new Dictionary<string, string[]> { ["kind"] = ["Must be backtest, walkforward or preview."] });
        }

        if (spec.ValueKind != JsonValueKind.Object)
        {
            return new(null, new Dictionary<string, string[]> { [""] = ["The backtest must be a JSON object."] });
        }

        var check = await backtests.CheckAsync(kind, spec, cancellationToken);
        if (!check.IsValid)
        {
            return new(null, check.Errors);
        }

        var store = await database.StoreAsync(cancellationToken);
        try
        {
            var id = await store.EnqueueAsync(new NewBacktestRun(user.UserId, user.UserName, kind, spec, check.Dataset, check.FromMs, check.ToMs, check.Symbols, check.StrategyCount),
                options.Value.MaxQueuedPerUser, cancellationToken);
            worker.Wake();
            return new(id, new Dictionary<string, string[]>());
        }
        catch (BacktestQueueFullException full)
        {
            return new(null, new Dictionary<string, string[]> { ["queue"] = [full.Message] });
        }
    }

    public async Task<BacktestActionResult> CancelAsync(BacktestUser user, Guid runId, CancellationToken cancellationToken = default)
    {
        var store = await database.StoreAsync(cancellationToken);
        if (await store.FindAsync(runId, cancellationToken) is not { } run)
        {
            return BacktestActionResult.NotFound;
        }

        if (!MayManage(user, run))
        {
            return BacktestActionResult.Forbidden;
        }

        if (run.IsFinished)
        {
            return BacktestActionResult.NotRunning;
        }

        await store.RequestCancelAsync(runId, cancellationToken);
        worker.TryCancel(runId);
        return BacktestActionResult.Done;
    }

    public async Task<BacktestActionResult> DeleteAsync(BacktestUser user, Guid runId, CancellationToken cancellationToken = default)
    {
        var store = await database.StoreAsync(cancellationToken);
        if (await store.FindAsync(runId, cancellationToken) is not { } run)
        {
            return BacktestActionResult.NotFound;
        }

        if (!MayManage(user, run))
        {
            return BacktestActionResult.Forbidden;
        }

        return await store.DeleteAsync(runId, cancellationToken) ? BacktestActionResult.Done : BacktestActionResult.StillRunning;
    }

    /// <summary>Others can view a run; only its owner or an admin cancels or deletes it.</summary>
    public static bool MayManage(BacktestUser user, BacktestRunRow run) => user.IsAdmin || string.Equals(user.UserId, run.OwnerId, StringComparison.Ordinal);
}
